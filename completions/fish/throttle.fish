# SPDX-License-Identifier: ISC
# fish completion for throttle(1).  Keep the option list in sync with
# throttle --help and man/throttle.1.

complete -c throttle -s h -l help -d 'Print a usage summary and exit'
complete -c throttle -s V -l version -d 'Print the version and exit'
complete -c throttle -s q -l quiet -d 'Print only errors'
complete -c throttle -s v -l verbose -d 'Report state and rate changes and a summary at exit'
complete -c throttle -s z -l null -d 'Records end with NUL instead of newline'
complete -c throttle -s r -l rate -x -d 'At most RATE records (10k/s, 300/min)'
complete -c throttle -s B -l bytes-rate -x -d 'At most RATE bytes (20MB/s, 10MiB/s)'
complete -c throttle -s k -l key -x -d 'A rate for each key (N or .json.path)'
complete -c throttle -s t -l separator -x -d 'Split fields on SEP'
complete -c throttle -s o -l output -r -F -d 'Write to FILE instead of standard output'
complete -c throttle -l adaptive -d 'Lower the rate while downstream is pressed'
complete -c throttle -l burst -x -d 'Let through DUR worth of each rate at once (100ms)'
complete -c throttle -l bytes -d 'No framing: move arbitrary chunks'
complete -c throttle -l constrained -x -d 'Pressure at which the stage is constrained (default 50%)'
complete -c throttle -l control -r -F -d 'Reread -r, -B, --burst, --min-rate from FILE on SIGHUP'
complete -c throttle -l dead-letter -r -F -d 'Append dropped records to FILE'
complete -c throttle -l fail-on-drop -d 'Exit 4 if any record was dropped'
complete -c throttle -l follow -r -F -d 'Downstream status file, for --adaptive'
complete -c throttle -l max-keys -x -d 'Track at most N keys (default 65536)'
complete -c throttle -l max-record -x -d 'Longest record accepted (default 1M)'
complete -c throttle -l min-rate -x -d 'The lowest rate --adaptive goes to'
complete -c throttle -l mode -x -d 'What becomes of a record that would go too fast' \
	-a 'delay\t"Wait for tokens, backpressure (default)"
drop\t"Drop it, counted under rate"'
complete -c throttle -l name -x -d 'Publish the status file DIR/NAME.prom'
complete -c throttle -l on-state -x -a '(__fish_complete_command)' -d 'Run CMD at each state change'
complete -c throttle -l saturated -x -d 'Pressure at which the stage is saturated (default 90%)'
complete -c throttle -l settle -x -d 'Time below the constrained mark before normal (default 2s)'
complete -c throttle -l status-interval -x -d 'Rewrite the status file this often (default 250ms)'
