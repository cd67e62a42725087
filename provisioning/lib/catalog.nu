# Built-in catalog: plans, taskservs and cluster types. The settings file extends or
# overrides each of them (`plans`, `taskservs`, `clusters`).

use util.nu [fail validate-name]

const BUILTIN_PLANS = {
    small: {cpu: 1, memory_mb: 1024, disk_gb: 10}
    medium: {cpu: 2, memory_mb: 4096, disk_gb: 40}
    large: {cpu: 4, memory_mb: 8192, disk_gb: 80}
}

const BUILTIN_TASKSERVS = {
    containerd: {version: "1.6", requires: [], config: {root: "/var/lib/containerd", snapshotter: overlayfs}}
    etcd: {version: "3.4", requires: [], config: {client_port: 2379, peer_port: 2380, data_dir: "/var/lib/etcd"}}
    kubernetes: {version: "1.30", requires: [containerd etcd], config: {pod_cidr: "10.244.0.0/16", service_cidr: "10.96.0.0/12", api_port: 6443}}
    cilium: {version: "1.15", requires: [kubernetes], config: {tunnel: vxlan}}
    postgres: {version: "15", requires: [], config: {port: 5432, max_connections: 100, data_dir: "/var/lib/postgresql/15/main"}}
    redis: {version: "7.0", requires: [], config: {port: 6379, maxmemory: "256mb"}}
    nginx: {version: "1.22", requires: [], config: {port: 80, worker_processes: auto}}
}

const BUILTIN_CLUSTERS = {
    kubernetes: {taskservs: [containerd etcd kubernetes]}
    etcd: {taskservs: [etcd]}
}

def as-record [value: any, what: string] {
    if $value == null { return {} }
    if ($value | describe | str starts-with "record") { $value } else { fail $"settings: `($what)` must be a mapping" }
}

# All plans: built-in merged with settings `plans`.
export def plans [ctx: record] {
    $BUILTIN_PLANS | merge deep --strategy overwrite (as-record $ctx.settings.plans? plans)
}

# All taskservs: built-in merged with settings `taskservs`.
export def taskservs [ctx: record] {
    $BUILTIN_TASKSERVS | merge deep --strategy overwrite (as-record $ctx.settings.taskservs? taskservs)
}

# One taskserv definition {name, version, requires, config}; exits if unknown.
export def taskserv [ctx: record, name: string] {
    validate-name taskserv $name
    let all = (taskservs $ctx)
    let def = ($all | get --optional $name)
    if $def == null {
        fail $"unknown taskserv '($name)' \(known: ($all | columns | sort | str join ', '); add it under `taskservs` in the settings\)"
    }
    let def = (as-record $def $"taskservs.($name)")
    {
        name: $name
        version: ($def.version? | default "latest" | into string)
        requires: ($def.requires? | default [])
        config: (as-record $def.config? $"taskservs.($name).config")
    }
}

# One cluster type {type, taskservs, servers?}; taskservs come from settings
# `clusters.<type>.taskservs`, else the built-in fallback. Exits if unknown.
export def cluster [ctx: record, type: string] {
    validate-name "cluster type" $type
    let all = ($BUILTIN_CLUSTERS | merge deep --strategy overwrite (as-record $ctx.settings.clusters? clusters))
    let def = ($all | get --optional $type)
    if $def == null {
        fail $"unknown cluster type '($type)' \(known: ($all | columns | sort | str join ', '); define it under `clusters` in the settings\)"
    }
    let def = (as-record $def $"clusters.($type)")
    let taskservs = ($def.taskservs? | default [])
    if ($taskservs | is-empty) { fail $"cluster type '($type)' lists no taskservs \(clusters.($type).taskservs\)" }
    mut defs = []
    for t in $taskservs { $defs = ($defs | append (taskserv $ctx $t)) }
    {
        type: $type
        taskservs: $defs
        servers: ($def.servers? | default null)
    }
}
