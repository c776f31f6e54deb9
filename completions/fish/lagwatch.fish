# SPDX-License-Identifier: ISC
# fish completion for lagwatch(1).  Keep the option list in sync with
# lagwatch --help and man/lagwatch.1.

complete -c lagwatch -s h -l help -d 'Print a usage summary and exit'
complete -c lagwatch -s V -l version -d 'Print the version and exit'
complete -c lagwatch -s q -l quiet -d 'Print only errors'
complete -c lagwatch -s v -l verbose -d 'Report state changes, stalls and a summary at exit'
complete -c lagwatch -s z -l null -d 'Records end with NUL instead of newline'
complete -c lagwatch -s i -l interval -x -d 'Write a report every DUR (default 1s)'
complete -c lagwatch -s o -l output -r -F -d 'Write to FILE instead of standard output'
complete -c lagwatch -s t -l separator -x -d 'Field separator (default: blanks)'
complete -c lagwatch -l age-target -x -d 'Records older than DUR saturate the stage'
complete -c lagwatch -l bytes -d 'No framing: move arbitrary chunks'
complete -c lagwatch -l check -d 'With --watch: exit 3 if a stage is saturated or stale'
complete -c lagwatch -l constrained -x -d 'Pressure at which the stage is constrained (default 50%)'
complete -c lagwatch -l fail-on-drop -d 'Accepted; lagwatch never drops records'
complete -c lagwatch -l format -x -n 'not __fish_contains_opt watch' -d 'Report format' \
	-a 'text\t"One line per report (default)"
json\t"One JSON object per report"
prom\t"Prometheus text format"'
complete -c lagwatch -l format -x -n '__fish_contains_opt watch' -d 'Table format' \
	-a 'text\t"A table (default)"
json\t"One JSON snapshot"'
complete -c lagwatch -l log -r -F -d 'Append reports to FILE instead of standard error'
complete -c lagwatch -l max-record -x -d 'Longest record accepted (default 1M)'
complete -c lagwatch -l name -x -d 'Publish the status file DIR/NAME.prom'
complete -c lagwatch -l on-state -x -a '(__fish_complete_command)' -d 'Run CMD at each state change'
complete -c lagwatch -l once -d 'With --watch: one snapshot, then exit'
complete -c lagwatch -l saturated -x -d 'Pressure at which the stage is saturated (default 90%)'
complete -c lagwatch -l settle -x -d 'Time below the constrained mark before normal (default 2s)'
complete -c lagwatch -l stall -x -d 'No output for DUR while data waits is a stall (default 5s)'
complete -c lagwatch -l status-interval -x -d 'Rewrite the status file this often (default 250ms)'
complete -c lagwatch -l time-field -x -d 'The field holding the time of a record: N or .json.path'
complete -c lagwatch -l time-format -x -d 'How the time is written (default epoch)' \
	-a 'epoch\t"Seconds since the epoch (default)"
epoch-ms\t"Milliseconds since the epoch"
epoch-us\t"Microseconds since the epoch"
rfc3339\t"An RFC 3339 date and time"'
complete -c lagwatch -l watch -d 'Show every stage of the status directory'
# The operand of --watch is a status directory, not an input file.
complete -c lagwatch -n '__fish_contains_opt watch' -f -a '(__fish_complete_directories)'
