# bash completion for authctl                                    -*- shell-script -*-
# Installed as $(PREFIX)/share/bash-completion/completions/authctl.

_authctl_global_opts='--db --env-file --session-file -q --quiet -v --verbose -h --help --version'

# The options of one command ("users list"), without the global ones.
_authctl_command_opts() {
    case $1 in
        register) echo '--password-stdin --format' ;;
        confirm) echo '--password-stdin' ;;
        reset) echo '--code --password-stdin' ;;
        login) echo '--password-stdin' ;;
        whoami) echo '--format' ;;
        logout) echo '--all' ;;
        passwd) echo '--request --code --password-stdin' ;;
        migrate) echo '--status' ;;
        'users list') echo '--status --created-before --older-than --limit --format' ;;
        'users show') echo '--format' ;;
        'users confirm') echo '--notify' ;;
        'users set-password') echo '--password-stdin --generate' ;;
        'users delete') echo '--yes' ;;
        'users purge') echo '--unconfirmed --older-than --dry-run --format' ;;
        'users import') echo '--format --skip-existing' ;;
        'users export') echo '--with-password-hashes --format' ;;
        'mail queue') echo '--format' ;;
        'mail flush') echo '--all' ;;
        'mail show') echo '--last --to' ;;
        log) echo '--user --event --since --failed --format' ;;
        config) echo '--format' ;;
    esac
}

# The --format choices of one command, the default first.
_authctl_formats() {
    case $1 in
        'users list') echo 'table json jsonl csv' ;;
        'users import' | 'users export') echo 'csv jsonl' ;;
        'mail queue') echo 'table json' ;;
        log) echo 'table json jsonl' ;;
        *) echo 'text json' ;;
    esac
}

_authctl_files() {
    if declare -F _filedir >/dev/null; then
        _filedir
    else
        local IFS=$'\n'
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}

_authctl() {
    local cur prev i w
    COMPREPLY=()
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    # --opt=value: bash splits at '=' (COMP_WORDBREAKS).
    if [[ $cur == = && $prev == --* ]]; then
        cur=
    elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then
        prev=${COMP_WORDS[COMP_CWORD - 2]}
    elif [[ $cur == --*=* ]]; then
        prev=${cur%%=*}
        cur=${cur#*=}
    fi

    # The command words before the cursor, skipping options and their values.
    local -a positional=()
    local skip=
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        if [[ -n $skip ]]; then
            skip=
            [[ $w == = ]] && skip=1
            continue
        fi
        case $w in
            --db | --env-file | --session-file | --format | --status | --created-before | \
                --older-than | --limit | --code | --to | --user | --event | --since)
                skip=1 ;;
            =) skip=1 ;;
            -*) ;;
            *) positional+=("$w") ;;
        esac
    done

    local cmd=${positional[0]-}
    local nargs=${#positional[@]}
    case $cmd in
        users | mail)
            if ((nargs >= 2)); then
                cmd="$cmd ${positional[1]}"
                nargs=$((nargs - 2))
            else
                cmd="$cmd"
                nargs=-1
            fi
            ;;
        '') nargs=-1 ;;
        *) nargs=$((nargs - 1)) ;;
    esac

    # A value for the option before the cursor.
    case $prev in
        --db | --env-file | --session-file)
            _authctl_files
            return
            ;;
        --format)
            COMPREPLY=($(compgen -W "$(_authctl_formats "$cmd")" -- "$cur"))
            return
            ;;
        --status)
            # A value only for users list; a flag for migrate.
            if [[ $cmd == 'users list' ]]; then
                COMPREPLY=($(compgen -W 'unconfirmed active disabled locked' -- "$cur"))
                return
            fi
            ;;
        --created-before | --older-than | --limit | --code | --to | --user | --event | --since)
            return
            ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$_authctl_global_opts $(_authctl_command_opts "$cmd")" -- "$cur"))
        return
    fi

    case $cmd in
        '')
            COMPREPLY=($(compgen -W 'register confirm recover reset login whoami logout passwd
                migrate users mail log config help' -- "$cur"))
            ;;
        users)
            COMPREPLY=($(compgen -W 'list show confirm disable enable unlock set-password delete
                purge import export' -- "$cur"))
            ;;
        mail)
            COMPREPLY=($(compgen -W 'queue flush test show' -- "$cur"))
            ;;
        help)
            if ((nargs == 0)); then
                COMPREPLY=($(compgen -W 'register confirm recover reset login whoami logout passwd
                    migrate users mail log config' -- "$cur"))
            elif ((nargs == 1)) && [[ ${positional[1]} == users ]]; then
                COMPREPLY=($(compgen -W 'list show confirm disable enable unlock set-password
                    delete purge import export' -- "$cur"))
            elif ((nargs == 1)) && [[ ${positional[1]} == mail ]]; then
                COMPREPLY=($(compgen -W 'queue flush test show' -- "$cur"))
            fi
            ;;
        'users import')
            ((nargs == 0)) && _authctl_files
            ;;
    esac
}

complete -F _authctl authctl
