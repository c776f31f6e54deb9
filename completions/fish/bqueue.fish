# SPDX-License-Identifier: ISC
# fish completion for bqueue(1).  Keep the option list in sync with
# bqueue --help and man/bqueue.1.

complete -c bqueue -s h -l help -d 'Print a usage summary and exit'
complete -c bqueue -s V -l version -d 'Print the version and exit'
complete -c bqueue -s q -l quiet -d 'Print only errors'
complete -c bqueue -s v -l verbose -d 'Report state changes and a summary at exit'
complete -c bqueue -s z -l null -d 'Records end with NUL instead of newline'
complete -c bqueue -s m -l memory -x -d 'Buffer at most SIZE bytes (default 64M)'
complete -c bqueue -s n -l records -x -d 'Buffer at most COUNT records'
complete -c bqueue -s o -l output -r -F -d 'Write to FILE instead of standard output'
complete -c bqueue -l bytes -d 'No framing: move arbitrary chunks'
complete -c bqueue -l constrained -x -d 'Pressure at which the stage is constrained (default 50%)'
complete -c bqueue -l dead-letter -r -F -d 'Append dropped records to FILE'
complete -c bqueue -l fail-on-drop -d 'Exit 4 if any record was dropped'
complete -c bqueue -l max-record -x -d 'Longest record accepted (default 1M)'
complete -c bqueue -l name -x -d 'Publish the status file DIR/NAME.prom'
complete -c bqueue -l on-full -x -d 'What to do when the buffer is full' \
	-a 'block\t"Stop reading until there is room (default)"
drop-newest\t"Discard the arriving record"
drop-oldest\t"Discard the oldest buffered records"
fail\t"Exit 1 at once"'
complete -c bqueue -l on-state -x -a '(__fish_complete_command)' -d 'Run CMD at each state change'
complete -c bqueue -l saturated -x -d 'Pressure at which the stage is saturated (default 90%)'
complete -c bqueue -l settle -x -d 'Time below the constrained mark before normal (default 2s)'
complete -c bqueue -l start-at -x -d 'Hold output until the buffer is PCT full'
complete -c bqueue -l status-interval -x -d 'Rewrite the status file this often (default 250ms)'
complete -c bqueue -l timeout -x -d 'Exit 124 if downstream accepts nothing for DUR'
