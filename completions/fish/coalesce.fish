# SPDX-License-Identifier: ISC
# fish completion for coalesce(1).  Keep the option list in sync with
# coalesce --help and man/coalesce.1.

complete -c coalesce -s h -l help -d 'Print a usage summary and exit'
complete -c coalesce -s V -l version -d 'Print the version and exit'
complete -c coalesce -s q -l quiet -d 'Print only errors'
complete -c coalesce -s v -l verbose -d 'Report state changes and a summary at exit'
complete -c coalesce -s z -l null -d 'Records end with NUL instead of newline'
complete -c coalesce -s k -l key -x -d 'The key: field N or .json.path (required)'
complete -c coalesce -s t -l separator -x -d 'Fields end at SEP (default: runs of blanks)'
complete -c coalesce -s m -l memory -x -d 'Hold at most SIZE bytes (default 64M)'
complete -c coalesce -s o -l output -r -F -d 'Write to FILE instead of standard output'
complete -c coalesce -l bytes -d 'Refused: coalesce needs records'
complete -c coalesce -l constrained -x -d 'Pressure at which the stage is constrained (default 50%)'
complete -c coalesce -l fail-on-drop -d 'No effect: coalesce drops nothing'
complete -c coalesce -l keep -x -d 'Which record of a key wins' \
	-a 'last\t"The latest (default)"
first\t"The first held"'
complete -c coalesce -l max-keys -x -d 'Hold at most N keys'
complete -c coalesce -l max-record -x -d 'Longest record accepted (default 1M)'
complete -c coalesce -l name -x -d 'Publish the status file DIR/NAME.prom'
complete -c coalesce -l on-state -x -a '(__fish_complete_command)' -d 'Run CMD at each state change'
complete -c coalesce -l saturated -x -d 'Pressure at which the stage is saturated (default 90%)'
complete -c coalesce -l settle -x -d 'Time below the constrained mark before normal (default 2s)'
complete -c coalesce -l status-interval -x -d 'Rewrite the status file this often (default 250ms)'
complete -c coalesce -l window -x -d 'Hold every key for DUR, then emit it'
