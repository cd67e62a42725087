#!/usr/bin/env nu
# Provisioning library entry script, run by the orchestrator (and by hand) from the
# workspace folder:
#
#   nu provisioning/main.nu servers create  --infra I --settings S [--check] [--wait] [name...]
#   nu provisioning/main.nu servers delete  --infra I --settings S [--check] [--wait] [--all] name...
#   nu provisioning/main.nu servers list    --infra I --settings S [--json]
#   nu provisioning/main.nu taskserv create <taskserv> --infra I --settings S [--check] [--wait] [server...]
#   nu provisioning/main.nu taskserv delete <taskserv> --infra I --settings S [--check] [--wait] [server...]
#   nu provisioning/main.nu cluster create  <type> --infra I --settings S [--check] [--wait]
#   nu provisioning/main.nu cluster delete  <type> --infra I --settings S [--check] [--wait]
#   nu provisioning/main.nu cluster plan    <type> --infra I --settings S   (JSON: servers, taskservs)
#
# Environment: PROVISIONING_STATE_DIR (default ./.state), PROVISIONING_WORKSPACE,
# PROVISIONING_TASK_ID, PROVISIONING_ATTEMPT, PROVISIONING_ORCHESTRATOR_URL,
# PROVISIONING_STEP_DELAY_MS (overrides local.step_delay_ms).
# Output: progress lines {"progress": N, "message": "..."} and plain log lines on
# stdout; errors on stderr with a non-zero exit code: 78 bad settings, 64 bad usage of
# --infra/--settings, 68 a server that does not exist (none of these is retried by the
# orchestrator; docs/EXIT-CODES.md), 1 anything else.

use lib/util.nu [fail]
use lib/settings.nu
use lib/servers.nu
use lib/taskservs.nu
use lib/clusters.nu

const USAGE = "usage: main.nu servers create  --infra I --settings S [--check] [--wait] [name...]
       main.nu servers delete  --infra I --settings S [--check] [--wait] (--all | name...)
       main.nu servers list    --infra I --settings S [--json]
       main.nu taskserv create <taskserv> --infra I --settings S [--check] [--wait] [server...]
       main.nu taskserv delete <taskserv> --infra I --settings S [--check] [--wait] [server...]
       main.nu cluster create  <type> --infra I --settings S [--check] [--wait]
       main.nu cluster delete  <type> --infra I --settings S [--check] [--wait]
       main.nu cluster plan    <type> --infra I --settings S"

def usage-error [what: string, rest: list<any>] {
    print -r -e $"error: ($what)"
    print -r -e $USAGE
    exit 1
}

# Provisioning library: servers, taskservs and clusters on the `local` provider.
def --wrapped main [...rest] {
    if ($rest | is-empty) or ($rest | first) in [--help -h help] { print -r $USAGE; return }
    usage-error $"unknown command '($rest | first)' \(expected servers, taskserv or cluster\)" $rest
}

def --wrapped "main servers" [...rest] {
    usage-error $"unknown servers operation '($rest | get --optional 0 | default '')' \(expected create, delete or list\)" $rest
}

def --wrapped "main taskserv" [...rest] {
    usage-error $"unknown taskserv operation '($rest | get --optional 0 | default '')' \(expected create or delete\)" $rest
}

def --wrapped "main cluster" [...rest] {
    usage-error $"unknown cluster operation '($rest | get --optional 0 | default '')' \(expected create or delete\)" $rest
}

# Create servers (all servers of the infra's settings when none are named).
def "main servers create" [
    --infra: string      # infra name, e.g. production
    --settings: string   # settings YAML file, relative to the workspace
    --check              # only show what would be done
    --wait               # wait until the servers are running
    ...names: string     # server names
] {
    let ctx = (settings context "servers create" $infra $settings --check=$check --wait=$wait)
    settings banner $ctx
    servers create $ctx $names
}

# Delete servers and everything installed on them.
def "main servers delete" [
    --infra: string
    --settings: string
    --check
    --wait
    --all                # delete every server of the infra
    ...names: string
] {
    let ctx = (settings context "servers delete" $infra $settings --check=$check --wait=$wait)
    settings banner $ctx
    servers delete $ctx $names --all=$all
}

# List the servers of an infra.
def "main servers list" [
    --infra: string
    --settings: string
    --json               # one compact JSON array line instead of a table
] {
    let ctx = (settings context "servers list" $infra $settings)
    servers list $ctx --json=$json
}

# Install a taskserv on servers (all servers of the infra when none are named).
def "main taskserv create" [
    taskserv: string
    --infra: string
    --settings: string
    --check
    --wait
    ...names: string
] {
    let ctx = (settings context $"taskserv create ($taskserv)" $infra $settings --check=$check --wait=$wait)
    settings banner $ctx
    taskservs create $ctx $taskserv $names
}

# Remove a taskserv from servers (all servers of the infra when none are named).
def "main taskserv delete" [
    taskserv: string
    --infra: string
    --settings: string
    --check
    --wait
    ...names: string
] {
    let ctx = (settings context $"taskserv delete ($taskserv)" $infra $settings --check=$check --wait=$wait)
    settings banner $ctx
    taskservs delete $ctx $taskserv $names
}

# Create a cluster: its record and the ordered list of taskservs it installs.
def "main cluster create" [
    cluster_type: string
    --infra: string
    --settings: string
    --check
    --wait
] {
    let ctx = (settings context $"cluster create ($cluster_type)" $infra $settings --check=$check --wait=$wait)
    settings banner $ctx
    clusters create $ctx $cluster_type
}

# Delete a cluster record.
def "main cluster delete" [
    cluster_type: string
    --infra: string
    --settings: string
    --check
    --wait
] {
    let ctx = (settings context $"cluster delete ($cluster_type)" $infra $settings --check=$check --wait=$wait)
    settings banner $ctx
    clusters delete $ctx $cluster_type
}

# Print what a cluster is made of (servers, then taskservs in install order) as one JSON line.
def "main cluster plan" [
    cluster_type: string
    --infra: string
    --settings: string
] {
    let ctx = (settings context $"cluster plan ($cluster_type)" $infra $settings --check=true --wait=false)
    clusters plan $ctx $cluster_type
}
