# Workflows on clusters: a cluster record plus the ordered taskservs it installs.

use util.nu [fail validate-name validate-names now-iso]
use output.nu [log progress percent pause]
use catalog.nu
use provider.nu
use servers.nu [wait-running]
use settings.nu

export def create [ctx: record, type: string] {
    let def = (catalog cluster $ctx $type)
    let existing = (provider servers $ctx | get --optional name | default [])
    let servers = if $def.servers != null {
        validate-names server $def.servers
    } else { $existing }
    let total = ($def.taskservs | length)
    progress 0 $"cluster create ($type): ($total) taskserv\(s\) in infra ($ctx.infra)"
    let current = (provider cluster $ctx $type)
    if $current != null {
        log $ctx $"cluster ($type) already exists in infra ($ctx.infra) \(created ($current.created_at? | default '?')\), updating it"
    }
    let verb = if $ctx.check { "would install" } else { "will install" }
    log $ctx $"cluster ($type) ($verb) taskservs in order: ($def.taskservs | get name | str join ' -> ')"
    for item in ($def.taskservs | enumerate) {
        let ts = $item.item
        log $ctx $"  ($item.index + 1). ($ts.name) ($ts.version)"
        pause $ctx
        progress (percent ($item.index + 1) $total) $"planned ($ts.name)"
    }
    let missing = ($servers | where $it not-in $existing)
    if ($servers | is-empty) {
        log $ctx $"cluster ($type): no servers in infra ($ctx.infra) yet"
    } else {
        log $ctx $"cluster ($type) servers: ($servers | str join ', ')"
        if ($missing | is-not-empty) {
            log $ctx $"note: not created yet: ($missing | str join ', ')"
        }
    }
    let record = {
        name: $type
        type: $type
        infra: $ctx.infra
        provider: $ctx.provider
        taskservs: ($def.taskservs | get name)
        servers: $servers
        status: created
        created_at: ($current.created_at? | default (now-iso))
        updated_at: (now-iso)
        task_id: $ctx.task_id
    }
    if $ctx.check {
        log $ctx $"would write cluster record ($type)"
    } else {
        provider create-cluster $ctx $record
        log $ctx $"cluster ($type) recorded in infra ($ctx.infra)"
    }
    if $ctx.wait and ($servers | where $it in $existing | is-not-empty) {
        wait-running $ctx ($servers | where $it in $existing)
    }
    let done = if $ctx.check { "would be created" } else { "created" }
    progress 100 $"cluster ($type) ($done): ($def.taskservs | get name | str join ', ')"
}

export def delete [ctx: record, type: string] {
    validate-name "cluster type" $type
    progress 0 $"cluster delete ($type) in infra ($ctx.infra)"
    if (provider cluster $ctx $type) == null {
        log $ctx $"cluster ($type) does not exist in infra ($ctx.infra), nothing to delete"
    } else if $ctx.check {
        log $ctx $"would delete cluster record ($type)"
    } else {
        pause $ctx
        provider delete-cluster $ctx $type
        log $ctx $"deleted cluster record ($type)"
    }
    progress 100 $"cluster delete ($type) finished"
}

# What the cluster is made of, for the orchestrator to expand it into a DAG of tasks:
# one JSON line {cluster, servers, taskservs}; reads settings only, writes nothing.
export def plan [ctx: record, type: string] {
    let def = (catalog cluster $ctx $type)
    let servers = if $def.servers != null {
        validate-names server $def.servers
    } else {
        settings defined-servers $ctx | get --optional name | default []
    }
    print -r ({cluster: $type, servers: $servers, taskservs: ($def.taskservs | get name)} | to json -r)
}
