# SPDX-License-Identifier: ISC
# fish completion for shed(1).  Keep the option list in sync with
# shed --help and man/shed.1.

complete -c shed -s h -l help -d 'Print a usage summary and exit'
complete -c shed -s V -l version -d 'Print the version and exit'
complete -c shed -s q -l quiet -d 'Print only errors'
complete -c shed -s v -l verbose -d 'Report state changes and counts at exit'
complete -c shed -s z -l null -d 'Records end with NUL instead of newline'
complete -c shed -s p -l priority -x -d 'Read the priority (0 to 9) from FIELD'
complete -c shed -s t -l separator -x -d 'Split numbered fields on SEP'
complete -c shed -s o -l output -r -F -d 'Write to FILE instead of standard output'
complete -c shed -l match -x -d 'Priority PRIO for records REGEX matches (REGEX=PRIO)'
complete -c shed -l default-priority -x -a '0 1 2 3 4 5 6 7 8 9' -d 'Priority of records without one (default 9)'
complete -c shed -l buffer -x -d 'Hold at most SIZE bytes (default 1M)'
complete -c shed -l buffer-records -x -d 'Hold at most COUNT records'
complete -c shed -l follow -r -F -d 'Shed by class while that stage is behind'
complete -c shed -l constrained-shed -x -a '1 2 3 4 5 6 7 8 9' -d 'Shed this priority and above while it is constrained'
complete -c shed -l saturated-shed -x -a '1 2 3 4 5 6 7 8 9' -d 'Shed this priority and above while it is saturated'
complete -c shed -l mark -d 'After shedding, a record that says what was shed'
complete -c shed -l max-age -x -d 'Drop records older than DUR'
complete -c shed -l sample -x -d 'Of what the follow, state and age triggers shed, keep 1 in N'
complete -c shed -l time-field -x -d 'Where the time of a record is'
complete -c shed -l time-format -x -d 'How that time is written' \
	-a 'epoch\t"Seconds since the epoch (default)"
epoch-ms\t"Milliseconds since the epoch"
epoch-us\t"Microseconds since the epoch"
rfc3339\t"An RFC 3339 date and time"'
complete -c shed -l dead-letter -r -F -d 'Append shed records to FILE'
complete -c shed -l constrained -x -d 'Pressure at which the stage is constrained (default 50%)'
complete -c shed -l fail-on-drop -d 'Exit 4 if any record was shed'
complete -c shed -l max-record -x -d 'Longest record accepted (default 1M)'
complete -c shed -l name -x -d 'Publish the status file DIR/NAME.prom'
complete -c shed -l on-state -x -a '(__fish_complete_command)' -d 'Run CMD at each state change'
complete -c shed -l saturated -x -d 'Pressure at which the stage is saturated (default 90%)'
complete -c shed -l settle -x -d 'Time below the constrained mark before normal (default 2s)'
complete -c shed -l status-interval -x -d 'Rewrite the status file this often (default 250ms)'
