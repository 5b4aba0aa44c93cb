# fish completion for authctl
# Installed as $(PREFIX)/share/fish/vendor_completions.d/authctl.fish.

# The words typed so far after authctl, leaving out options and their values, one a line.
function __authctl_positional
    set -l words (commandline -opc)
    set -e words[1]
    set -l skip 0
    for w in $words
        if test $skip -eq 1
            set skip 0
            continue
        end
        switch $w
            case --db --env-file --session-file --format --status --created-before --older-than \
                --limit --code --to --user --event --since
                set skip 1
            case '-*'
            case '*'
                echo $w
        end
    end
end

# The command path typed so far ("users list", "login", "help users", "").
function __authctl_command
    set -l path (__authctl_positional)
    if test (count $path) -eq 0
        echo ''
    else if contains -- $path[1] users mail help; and test (count $path) -ge 2
        echo "$path[1] $path[2]"
    else
        echo $path[1]
    end
end

# True when the command path is one of the arguments.
function __authctl_using
    contains -- (__authctl_command) $argv
end

# The number of arguments typed after the command path.
function __authctl_nargs
    set -l cmd (string split ' ' -- (__authctl_command))
    math (count (__authctl_positional)) - (count $cmd)
end

complete -c authctl -f

# Global options, before or after the command.
complete -c authctl -l db -r -F -d 'the SQLite database (env AUTHCTL_DB)'
complete -c authctl -l env-file -r -F -d 'read variables from PATH'
complete -c authctl -l session-file -r -F -d 'the session token file (env AUTHCTL_SESSION_FILE)'
complete -c authctl -s q -l quiet -d 'print no notices or warnings'
complete -c authctl -s v -l verbose -d 'say more about what is done'
complete -c authctl -s h -l help -d 'show help'
complete -c authctl -l version -d 'print the version'

# Commands.
set -l __authctl_top "__authctl_using ''"
complete -c authctl -n $__authctl_top -a register -d 'create an account and mail its confirmation'
complete -c authctl -n $__authctl_top -a confirm -d 'confirm an account with the mailed token or link'
complete -c authctl -n $__authctl_top -a recover -d 'mail a password reset token and code'
complete -c authctl -n $__authctl_top -a reset -d 'reset a password with the mailed token and code'
complete -c authctl -n $__authctl_top -a login -d 'log in and keep the session token'
complete -c authctl -n $__authctl_top -a whoami -d 'show the account of the current session'
complete -c authctl -n $__authctl_top -a logout -d 'end the current session'
complete -c authctl -n $__authctl_top -a passwd -d 'change the password of the logged-in account'
complete -c authctl -n $__authctl_top -a migrate -d 'create or upgrade the database schema'
complete -c authctl -n $__authctl_top -a users -d 'manage accounts'
complete -c authctl -n $__authctl_top -a mail -d 'the mail outbox and the local mailbox'
complete -c authctl -n $__authctl_top -a log -d 'show audit events'
complete -c authctl -n $__authctl_top -a config -d 'print the effective settings and their source'
complete -c authctl -n $__authctl_top -a help -d 'show help for a command'

# help COMMAND
complete -c authctl -n "__authctl_using help; and test (__authctl_nargs) -eq 0" \
    -a 'register confirm recover reset login whoami logout passwd migrate users mail log config'
complete -c authctl -n "__authctl_using 'help users'; and test (__authctl_nargs) -eq 0" \
    -a 'list show confirm disable enable unlock set-password delete purge import export'
complete -c authctl -n "__authctl_using 'help mail'; and test (__authctl_nargs) -eq 0" -a 'queue flush test show'

# users and mail subcommands.
set -l __authctl_users "__authctl_using users"
complete -c authctl -n $__authctl_users -a list -d 'list accounts (never their hashes)'
complete -c authctl -n $__authctl_users -a show -d 'show one account'
complete -c authctl -n $__authctl_users -a confirm -d 'confirm an account without a token'
complete -c authctl -n $__authctl_users -a disable -d 'disable an account and end its sessions'
complete -c authctl -n $__authctl_users -a enable -d 'enable a disabled account'
complete -c authctl -n $__authctl_users -a unlock -d 'clear a lockout after failed logins'
complete -c authctl -n $__authctl_users -a set-password -d "set an account's password"
complete -c authctl -n $__authctl_users -a delete -d 'delete an account'
complete -c authctl -n $__authctl_users -a purge -d 'delete old unconfirmed accounts'
complete -c authctl -n $__authctl_users -a import -d 'import accounts from CSV or JSONL'
complete -c authctl -n $__authctl_users -a export -d 'export accounts as CSV or JSONL'
set -l __authctl_mail "__authctl_using mail"
complete -c authctl -n $__authctl_mail -a queue -d 'list queued and failed messages'
complete -c authctl -n $__authctl_mail -a flush -d 'deliver queued messages that are due'
complete -c authctl -n $__authctl_mail -a test -d 'send a test message'
complete -c authctl -n $__authctl_mail -a show -d 'print a message from the local mailbox'

# Options of each command.
complete -c authctl -n "__authctl_using register confirm 'users set-password' reset login passwd" \
    -l password-stdin -d 'read the password from stdin'
complete -c authctl -n "__authctl_using register whoami config 'users show'" \
    -l format -x -a 'text json' -d 'output format'
complete -c authctl -n "__authctl_using 'users purge'" -l format -x -a 'text json' \
    -d 'output format'
complete -c authctl -n "__authctl_using reset passwd" -l code -x -d 'the 6-digit code from the mail'
complete -c authctl -n "__authctl_using logout" -l all -d 'end every session of the account'
complete -c authctl -n "__authctl_using passwd" -l request -d 'scripted step 1: mail a code'
complete -c authctl -n "__authctl_using migrate" -l status -d 'list applied and pending migrations'
complete -c authctl -n "__authctl_using 'users list'" -l status -x \
    -a 'unconfirmed active disabled locked' -d 'only accounts with this status'
complete -c authctl -n "__authctl_using 'users list'" -l created-before -x \
    -d 'only accounts created before TIME'
complete -c authctl -n "__authctl_using 'users list' 'users purge'" -l older-than -x \
    -d 'created more than DURATION ago'
complete -c authctl -n "__authctl_using 'users list'" -l limit -x -d 'at most N accounts'
complete -c authctl -n "__authctl_using 'users list'" -l format -x -a 'table json jsonl csv' \
    -d 'output format'
complete -c authctl -n "__authctl_using 'users confirm'" -l notify -d 'mail the activated notice'
complete -c authctl -n "__authctl_using 'users set-password'" -l generate \
    -d 'generate a password and mail it'
complete -c authctl -n "__authctl_using 'users delete'" -l yes -d 'do not ask'
complete -c authctl -n "__authctl_using 'users purge'" -l unconfirmed \
    -d 'purge unconfirmed accounts (required)'
complete -c authctl -n "__authctl_using 'users purge'" -l dry-run -d 'remove nothing'
complete -c authctl -n "__authctl_using 'users import' 'users export'" -l format -x \
    -a 'csv jsonl' -d 'file format'
complete -c authctl -n "__authctl_using 'users import'" -l skip-existing \
    -d 'skip emails already present'
complete -c authctl -n "__authctl_using 'users import'; and test (__authctl_nargs) -eq 0" -F \
    -a - -d 'the file, or - for stdin'
complete -c authctl -n "__authctl_using 'users export'" -l with-password-hashes \
    -d 'include password hashes'
complete -c authctl -n "__authctl_using 'mail queue'" -l format -x -a 'table json' \
    -d 'output format'
complete -c authctl -n "__authctl_using 'mail flush'" -l all -d 'deliver every queued message'
complete -c authctl -n "__authctl_using 'mail show'" -l last -d 'the newest message'
complete -c authctl -n "__authctl_using 'mail show'" -l to -x -d 'the newest message to EMAIL'
complete -c authctl -n "__authctl_using log" -l user -x -d 'only events of this account'
complete -c authctl -n "__authctl_using log" -l event -x -d 'only events of this kind'
complete -c authctl -n "__authctl_using log" -l since -x -d 'only events at or after TIME'
complete -c authctl -n "__authctl_using log" -l failed -d 'only failed events'
complete -c authctl -n "__authctl_using log" -l format -x -a 'table json jsonl' \
    -d 'output format'
