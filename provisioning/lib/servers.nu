# Workflows on servers: create, delete, list, and --wait.

use util.nu [fail validate-names]
use output.nu [log progress percent pause]
use settings.nu
use provider.nu

# The servers to act on: the names given (validated, deduplicated, in order), or
# every server defined in the settings of the infra when none are given.
def targets [ctx: record, names: list<string>] {
    if ($names | is-empty) {
        let defined = (settings defined-servers $ctx)
        if ($defined | is-empty) {
            fail $"no servers given and none defined in the settings for infra ($ctx.infra)"
        }
        $defined
    } else {
        mut specs = []
        for n in (validate-names server $names) { $specs = ($specs | append (settings server-spec $ctx $n)) }
        $specs
    }
}

export def create [ctx: record, names: list<string>] {
    let specs = (targets $ctx $names)
    let total = ($specs | length)
    progress 0 $"servers create: ($total) server\(s\) in infra ($ctx.infra)"
    mut reserved = []
    mut created = 0
    mut existing = 0
    for item in ($specs | enumerate) {
        let spec = $item.item
        let name = $spec.name
        let current = (provider server $ctx $name)
        if $current != null {
            log $ctx $"server ($name) already exists \(ip ($current.ip? | default '?'), status ($current.status? | default '?')\), keeping it"
            if not $ctx.check { provider render-server $ctx $current }
            $existing += 1
            progress (percent ($item.index + 1) $total) $"($name) already exists"
            continue
        }
        let origin = if $spec.defined { "" } else { ", not in settings: defaults" }
        let record = (provider plan-server $ctx $spec --reserved $reserved)
        $reserved = ($reserved | append $record.ip)
        if $ctx.check {
            log $ctx $"would create server ($name) \(plan ($spec.plan), zone ($spec.zone), ip ($record.ip)($origin)\)"
            progress (percent ($item.index + 1) $total) $"($name) would be created"
        } else {
            log $ctx $"creating server ($name) \(plan ($spec.plan): ($spec.cpu) cpu, ($spec.memory_mb) MB; zone ($spec.zone)($origin)\)"
            pause $ctx
            log $ctx $"  allocated ip ($record.ip) for ($name)"
            provider create-server $ctx $record
            pause $ctx
            log $ctx $"  wrote record and hostname of ($name); status ($record.status)"
            progress (percent ($item.index + 1) $total) $"($name) created"
        }
        $created += 1
    }
    if not $ctx.check {
        let n = (provider refresh-hosts $ctx)
        log $ctx $"refreshed hosts files of ($n) server\(s\) in infra ($ctx.infra)"
    }
    if $ctx.wait { wait-running $ctx ($specs | get name) }
    let verb = if $ctx.check { "would be created" } else { "created" }
    progress 100 $"servers create finished: ($created) ($verb), ($existing) already existed"
}

export def delete [ctx: record, names: list<string>, --all] {
    let names = if $all {
        provider servers $ctx | get --optional name | default []
    } else {
        if ($names | is-empty) { fail "servers delete needs server names (or --all)" }
        validate-names server $names
    }
    let total = ($names | length)
    progress 0 $"servers delete: ($total) server\(s\) in infra ($ctx.infra)"
    mut deleted = 0
    for item in ($names | enumerate) {
        let name = $item.item
        let current = (provider server $ctx $name)
        if $current == null {
            log $ctx $"server ($name) does not exist in infra ($ctx.infra), nothing to delete"
            progress (percent ($item.index + 1) $total) $"($name) absent"
            continue
        }
        let ts = (provider installed-taskservs $ctx $name)
        let with_ts = if ($ts | is-empty) { "" } else { $" with taskservs ($ts | str join ', ')" }
        if $ctx.check {
            log $ctx $"would delete server ($name) \(ip ($current.ip? | default '?')\)($with_ts)"
            progress (percent ($item.index + 1) $total) $"($name) would be deleted"
        } else {
            log $ctx $"deleting server ($name) \(ip ($current.ip? | default '?')\)($with_ts)"
            pause $ctx
            provider delete-server $ctx $name
            progress (percent ($item.index + 1) $total) $"($name) deleted"
        }
        $deleted += 1
    }
    if not $ctx.check and $deleted > 0 {
        let n = (provider refresh-hosts $ctx)
        log $ctx $"refreshed hosts files of ($n) remaining server\(s\) in infra ($ctx.infra)"
    }
    if $ctx.wait {
        log $ctx $"waiting for ($deleted) server\(s\) to be gone ... done"
    }
    let verb = if $ctx.check { "would be deleted" } else { "deleted" }
    progress 100 $"servers delete finished: ($deleted) ($verb)"
}

# Print the server records: a table (default) or one compact JSON array line (--json).
export def list [ctx: record, --json] {
    let rows = (provider servers $ctx)
    if $json {
        print -r ($rows | to json --raw)
        return
    }
    if ($rows | is-empty) {
        print -r $"no servers in infra ($ctx.infra)"
        return
    }
    let rows = ($rows | each {|r| {
        name: $r.name
        status: ($r.status? | default "")
        ip: ($r.ip? | default "")
        plan: ($r.plan? | default "")
        zone: ($r.zone? | default "")
        taskservs: ($r.taskservs | str join ",")
        created_at: ($r.created_at? | default "")
    } })
    print -r ($rows | table --index false --width 200 | str trim --right)
}

# Wait until every named server is running; polls every step_delay_ms (at least 10 ms)
# for at most local.wait_timeout_ms (default 10000).
export def wait-running [ctx: record, names: list<string>] {
    if $ctx.check {
        log $ctx $"would wait for ($names | str join ', ') to be running"
        return
    }
    let timeout = ($ctx.settings.local?.wait_timeout_ms? | default 10000) * 1ms
    let poll = ([$ctx.step_delay_ms 10] | math max) * 1ms
    for name in $names {
        log $ctx $"waiting for ($name) to be running ..."
        let started = (date now)
        mut status = (provider server-status $ctx $name)
        while $status != "running" {
            if ((date now) - $started) > $timeout {
                fail $"timed out waiting for ($name) to be running \(status ($status | default 'missing')\)"
            }
            sleep $poll
            $status = (provider server-status $ctx $name)
        }
        log $ctx $"($name) is running"
    }
}
