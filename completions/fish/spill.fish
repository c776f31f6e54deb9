# SPDX-License-Identifier: ISC
# fish completion for spill(1).  Keep the option list in sync with
# spill --help and man/spill.1.

complete -c spill -s h -l help -d 'Print a usage summary and exit'
complete -c spill -s V -l version -d 'Print the version and exit'
complete -c spill -s q -l quiet -d 'Print only errors'
complete -c spill -s v -l verbose \
	-d 'Report state changes and a summary at exit'
complete -c spill -s z -l null -d 'Records end with NUL instead of newline'
complete -c spill -s c -l compress -x -a '(seq 0 19)' \
    -d 'Zstd level 1..19, 0 = off (default 1)'
complete -c spill -s d -l directory -x -a '(__fish_complete_directories)' \
	-d 'Spill directory (default: a private one under $TMPDIR)'
complete -c spill -s m -l memory -x -d 'Memory buffer (default 64M)'
complete -c spill -s o -l output -r -F \
	-d 'Write to FILE instead of standard output'
complete -c spill -l bytes -d 'No framing: move arbitrary chunks'
complete -c spill -l checkpoint -x \
	-d 'Record what was delivered this often (default 1s)'
complete -c spill -l constrained -x \
	-d 'Pressure at which the stage is constrained (default 50%)'
complete -c spill -l drain -r -F \
	-d 'Write out what a spill directory or dead-letter file holds'
complete -c spill -l durable \
	-d 'Write every record to disk first; resume after a crash'
complete -c spill -l fail-on-drop -d 'Accepted; spill never drops records'
complete -c spill -l format -x -d 'Format of --info' \
	-a 'text\t"One field per line (default)"
json\t"One JSON object"'
complete -c spill -l info -x -a '(__fish_complete_directories)' \
	-d 'Describe a spill directory'
complete -c spill -l max-disk -x -d 'Keep at most SIZE on disk, then block'
complete -c spill -l max-record -x -d 'Longest record accepted (default 1M)'
complete -c spill -l min-free -x \
	-d 'Keep SIZE free on the file system, then block'
complete -c spill -l name -x -d 'Publish the status file DIR/NAME.prom'
complete -c spill -l on-state -x -a '(__fish_complete_command)' \
	-d 'Run CMD at each state change'
complete -c spill -l saturated -x \
	-d 'Pressure at which the stage is saturated (default 90%)'
complete -c spill -l segment-size -x -d 'Size of each spill file (default 64M)'
complete -c spill -l settle -x \
	-d 'Time below the constrained mark before normal (default 2s)'
complete -c spill -l skip-corrupt \
	-d 'Skip corrupt spill data, counting what is lost'
complete -c spill -l status-interval -x \
	-d 'Rewrite the status file this often (default 250ms)'
complete -c spill -l sync -x -d 'When to sync to disk, with --durable' \
	-a 'none\t"Never"
interval\t"At each checkpoint (default)"
always\t"Every frame, before its records leave"'
