# The `local` provider: real, harmless work in the state directory.
#
# State layout (under PROVISIONING_STATE_DIR, default ./.state):
#   <infra>/servers/<name>.json                       server record
#   <infra>/servers/<name>.d/hostname                 rendered hostname file
#   <infra>/servers/<name>.d/hosts                    rendered /etc/hosts-like file (all servers of the infra)
#   <infra>/servers/<name>.d/taskservs/<ts>/<ts>.conf rendered taskserv config
#   <infra>/servers/<name>.d/taskservs/<ts>/installed installed marker (JSON)
# A record ends in .json and a folder in .d, so no server's folder is another's record
# (`app` and `app.json` are two servers: app.json + app.d/, app.json.json + app.json.d/).
#   <infra>/clusters/<type>.json                      cluster record
#   <infra>/hosts                                     hosts file of the whole infra
#
# Nothing here prints; the workflows (servers.nu, taskservs.nu, clusters.nu) do the
# logging, progress and check mode. Functions that write are never called in check mode.

use ../util.nu [fail now-iso write-atomic read-json]

def servers-dir [ctx: record] { $ctx.infra_dir | path join servers }
def record-path [ctx: record, name: string] { servers-dir $ctx | path join $"($name).json" }
def server-dir [ctx: record, name: string] { servers-dir $ctx | path join $"($name).d" }
def taskserv-dir [ctx: record, server: string, taskserv: string] {
    server-dir $ctx $server | path join taskservs $taskserv
}
def cluster-path [ctx: record, type: string] { $ctx.infra_dir | path join clusters $"($type).json" }

# The record of one server, or null.
export def server [ctx: record, name: string] {
    read-json (record-path $ctx $name)
}

# All server records of the infra, sorted by name.
def records [ctx: record] {
    let dir = (servers-dir $ctx)
    if not ($dir | path exists) { return [] }
    ls $dir
    | where type == file and ($it.name | str ends-with ".json")
    | get name
    | sort
    | each {|p| try { open --raw $p | from json } catch { null } }   # deleted meanwhile by a parallel task
    | compact
}

# All server records of the infra, sorted by name, each with its installed taskservs.
export def servers [ctx: record] {
    records $ctx | each {|r| $r | upsert taskservs (installed-taskservs $ctx $r.name) }
}

# Status of a server ("running", ...) or null if it does not exist.
export def server-status [ctx: record, name: string] {
    let r = (server $ctx $name)
    if $r == null { null } else { $r.status? | default "unknown" }
}

# Deterministic IP for a server: <ip_prefix>.<a>.<b> from a hash of infra/name,
# probing forward past addresses already taken by other servers (or `reserved`).
def allocate-ip [ctx: record, name: string, reserved: list<string>] {
    let prefix = ($ctx.settings.local?.ip_prefix? | default "10.42" | into string)
    if not ($prefix =~ '^[0-9]{1,3}\.[0-9]{1,3}$') {
        fail $"local.ip_prefix must look like \"10.42\", got '($prefix)'"
    }
    let used = (records $ctx | where name != $name | get --optional ip | default [] | append $reserved)
    let slots = 254 * 254
    # decode hex, not `into int --radix 16`: that reads a hash starting "0b" as a binary literal and fails
    mut n = ($"($ctx.infra)/($name)" | hash md5 | str substring 0..7 | decode hex | into int --endian big) mod $slots
    mut ip = ""
    for _ in 0..<$slots {
        $ip = $"($prefix).(($n // 254) + 1).(($n mod 254) + 1)"
        if $ip not-in $used { break }
        $n = ($n + 1) mod $slots
    }
    $ip
}

# The record a server would get (no writes). `reserved`: IPs planned for other servers in this run.
export def plan-server [ctx: record, spec: record, --reserved: list<string> = []] {
    let ip = if $spec.ip != null { $spec.ip | into string } else { allocate-ip $ctx $spec.name $reserved }
    {
        name: $spec.name
        infra: $ctx.infra
        provider: local
        plan: $spec.plan
        zone: $spec.zone
        ip: $ip
        cpu: $spec.cpu
        memory_mb: $spec.memory_mb
        disk_gb: $spec.disk_gb
        labels: $spec.labels
        status: running
        created_at: (now-iso)
        task_id: $ctx.task_id
    }
}

# Render the per-server config files (the hosts files: see refresh-hosts).
export def render-server [ctx: record, record: record] {
    $"($record.name)\n" | write-atomic (server-dir $ctx $record.name | path join hostname)
}

# Write the server: config files first, the record last (the record marks it created).
# The caller runs refresh-hosts afterwards to render the hosts files.
export def create-server [ctx: record, record: record] {
    render-server $ctx $record
    $record | to json | write-atomic (record-path $ctx $record.name)
}

# Remove a server record and everything rendered for it (taskservs included).
export def delete-server [ctx: record, name: string] {
    rm --force (record-path $ctx $name)
    let dir = (server-dir $ctx $name)
    if ($dir | path exists) { rm --recursive --force $dir }
}

def hosts-text [records: list<any>] {
    let lines = ($records | sort-by name | each {|r| $"($r.ip)\t($r.name)" })
    ["# rendered by the provisioning local provider" "127.0.0.1\tlocalhost" ...$lines ""] | str join "\n"
}

# Re-render the hosts file of every server and of the infra after servers came or went.
# Returns the number of servers.
export def refresh-hosts [ctx: record] {
    let all = (records $ctx)
    let text = (hosts-text $all)
    for r in $all {
        let dir = (server-dir $ctx $r.name)
        if ($dir | path exists) { $text | write-atomic ($dir | path join hosts) }
    }
    $text | write-atomic ($ctx.infra_dir | path join hosts)
    $all | length
}

# Names of the taskservs installed on a server.
export def installed-taskservs [ctx: record, server: string] {
    let dir = (server-dir $ctx $server | path join taskservs)
    if not ($dir | path exists) { return [] }
    ls $dir
    | where type == dir
    | get name
    | where {|d| ($d | path join installed | path exists) }
    | each {|d| $d | path basename }
    | sort
}

# The installed marker of a taskserv on a server, or null.
export def taskserv-marker [ctx: record, server: string, taskserv: string] {
    read-json (taskserv-dir $ctx $server $taskserv | path join installed)
}

def config-value [v: any] {
    let t = ($v | describe)
    if ($t | str starts-with "list") { $v | each {|x| $x | into string } | str join "," } else if ($t | str starts-with "record") { $v | to json --raw } else { $v | into string }
}

# Install a taskserv on a server: rendered config, then the installed marker.
export def install-taskserv [ctx: record, server: record, ts: record] {
    let dir = (taskserv-dir $ctx $server.name $ts.name)
    let header = [
        $"# ($ts.name) ($ts.version) on ($server.name) \(infra ($ctx.infra)\)"
        "# rendered by the provisioning local provider"
        $"listen_address = ($server.ip)"
    ]
    let body = ($ts.config | transpose key value | each {|kv| $"($kv.key) = (config-value $kv.value)" })
    [...$header ...$body ""] | str join "\n" | write-atomic ($dir | path join $"($ts.name).conf")
    {
        taskserv: $ts.name
        version: $ts.version
        server: $server.name
        infra: $ctx.infra
        installed_at: (now-iso)
        task_id: $ctx.task_id
    } | to json | write-atomic ($dir | path join installed)
}

# Remove a taskserv from a server.
export def remove-taskserv [ctx: record, server: string, taskserv: string] {
    let dir = (taskserv-dir $ctx $server $taskserv)
    if ($dir | path exists) { rm --recursive --force $dir }
}

# The record of a cluster, or null.
export def cluster [ctx: record, type: string] {
    read-json (cluster-path $ctx $type)
}

export def create-cluster [ctx: record, record: record] {
    $record | to json | write-atomic (cluster-path $ctx $record.name)
}

export def delete-cluster [ctx: record, type: string] {
    rm --force (cluster-path $ctx $type)
}
