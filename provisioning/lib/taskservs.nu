# Workflows on taskservs: install on / remove from servers.

use util.nu [fail validate-name validate-names]
use output.nu [log progress percent pause]
use catalog.nu
use provider.nu
use servers.nu [wait-running]

# Servers to act on: the names given, or every server of the infra (in the state).
def targets [ctx: record, names: list<string>] {
    if ($names | is-empty) {
        let all = (provider servers $ctx | get --optional name | default [])
        if ($all | is-empty) {
            fail --code 68 $"infra ($ctx.infra) has no servers yet: create them first \(servers create\) or name the servers"
        }
        $all
    } else {
        validate-names server $names
    }
}

export def create [ctx: record, taskserv: string, names: list<string>] {
    let ts = (catalog taskserv $ctx $taskserv)
    let names = (targets $ctx $names)
    let servers = ($names | each {|n| {name: $n, record: (provider server $ctx $n)} })
    let missing = ($servers | where record == null | get name)
    if ($missing | is-not-empty) {
        fail --code 68 $"cannot install taskserv ($ts.name): server\(s\) ($missing | str join ', ') do not exist in infra ($ctx.infra) \(create them first\)"
    }
    let total = ($servers | length)
    progress 0 $"taskserv create ($ts.name) ($ts.version): ($total) server\(s\) in infra ($ctx.infra)"
    mut installed = 0
    for item in ($servers | enumerate) {
        let server = $item.item.record
        let name = $server.name
        let marker = (provider taskserv-marker $ctx $name $ts.name)
        if $marker != null {
            log $ctx $"taskserv ($ts.name) already installed on ($name) \(version ($marker.version? | default '?')\)"
            progress (percent ($item.index + 1) $total) $"($ts.name) already on ($name)"
            continue
        }
        let have = (provider installed-taskservs $ctx $name)
        let lacking = ($ts.requires | where $it not-in $have)
        if ($lacking | is-not-empty) {
            log $ctx $"note: ($ts.name) expects ($lacking | str join ', ') on ($name) \(not installed\)"
        }
        if $ctx.check {
            log $ctx $"would install taskserv ($ts.name) ($ts.version) on ($name) \(ip ($server.ip)\)"
            progress (percent ($item.index + 1) $total) $"($ts.name) would be installed on ($name)"
        } else {
            log $ctx $"installing taskserv ($ts.name) ($ts.version) on ($name) \(ip ($server.ip)\)"
            pause $ctx
            provider install-taskserv $ctx $server $ts
            pause $ctx
            log $ctx $"  rendered ($ts.name).conf and marked ($ts.name) installed on ($name)"
            progress (percent ($item.index + 1) $total) $"($ts.name) installed on ($name)"
        }
        $installed += 1
    }
    if $ctx.wait { wait-running $ctx $names }
    let verb = if $ctx.check { "would be installed" } else { "installed" }
    progress 100 $"taskserv create ($ts.name) finished: ($verb) on ($installed) server\(s\), ($total - $installed) already had it"
}

export def delete [ctx: record, taskserv: string, names: list<string>] {
    validate-name taskserv $taskserv
    let names = if ($names | is-empty) {
        provider servers $ctx | get --optional name | default []
    } else {
        validate-names server $names
    }
    let total = ($names | length)
    progress 0 $"taskserv delete ($taskserv): ($total) server\(s\) in infra ($ctx.infra)"
    mut removed = 0
    for item in ($names | enumerate) {
        let name = $item.item
        if (provider taskserv-marker $ctx $name $taskserv) == null {
            log $ctx $"taskserv ($taskserv) is not installed on ($name), nothing to remove"
            progress (percent ($item.index + 1) $total) $"($taskserv) absent on ($name)"
            continue
        }
        if $ctx.check {
            log $ctx $"would remove taskserv ($taskserv) from ($name)"
            progress (percent ($item.index + 1) $total) $"($taskserv) would be removed from ($name)"
        } else {
            log $ctx $"removing taskserv ($taskserv) from ($name)"
            pause $ctx
            provider remove-taskserv $ctx $name $taskserv
            progress (percent ($item.index + 1) $total) $"($taskserv) removed from ($name)"
        }
        $removed += 1
    }
    let verb = if $ctx.check { "would be removed" } else { "removed" }
    progress 100 $"taskserv delete ($taskserv) finished: ($verb) from ($removed) server\(s\)"
}
