# Settings: load the YAML settings file, merge the infra's section, build the run context.
#
# Settings format (YAML, every key optional except where noted):
#
#   provider: local                  # which provider does the work (only `local` ships)
#   local:                           # options of the local provider
#     step_delay_ms: 50              # pause between steps (0 = as fast as possible)
#     ip_prefix: "10.42"             # servers get <prefix>.<a>.<b>, derived from their name
#     wait_timeout_ms: 10000         # --wait gives up after this long
#   defaults: {plan: small, zone: local-1}
#   plans: {small: {cpu: 1, memory_mb: 1024, disk_gb: 10}, ...}   # extends the built-in plans
#   servers:                         # servers of the infra
#     - {hostname: web-01, plan: small, zone: local-1, ip: 10.42.0.11, labels: {role: web}}
#   taskservs: {postgres: {version: "15", config: {port: 5432}}}   # extends the built-in catalog
#   clusters: {kubernetes: {taskservs: [containerd, etcd, kubernetes], servers: [web-01]}}
#   infras:                          # per-infra sections, deep-merged over the top level
#     production: {defaults: {zone: local-1}, servers: [...]}
#
# Lists (servers, taskservs of a cluster) in an infra section replace the top-level ones.

use util.nu [fail validate-name]
use catalog.nu

const PROVIDERS = [local]

# Build the context every command works with. Exits with an error on bad input.
export def context [
    command: string
    infra: any
    settings_path: any
    --check
    --wait
] {
    if $infra == null { fail --code 64 "--infra is required (the infra name, e.g. --infra production)" }
    validate-name infra $infra
    if $settings_path == null or ($settings_path | is-empty) {
        fail --code 64 "--settings is required (a YAML file relative to the workspace, e.g. --settings ./settings.yaml)"
    }
    let workspace = ($env.PROVISIONING_WORKSPACE? | default "" | if ($in | is-empty) { $env.PWD } else { $in } | path expand)
    let file = ($settings_path | path expand)
    if $env.PROVISIONING_WORKSPACE? != null and ($env.PROVISIONING_WORKSPACE | is-not-empty) {
        if not ($file | str starts-with ($workspace | path join "")) and $file != $workspace {
            fail --code 78 $"settings file '($settings_path)' is outside the workspace ($workspace)"
        }
    }
    if not ($file | path exists) {
        fail --code 78 $"settings file not found: ($settings_path) \(looked for ($file)\)"
    }
    if ($file | path type) != "file" {
        fail --code 78 $"settings path is not a file: ($settings_path)"
    }
    let raw = try { open --raw $file | decode utf-8 } catch { fail --code 78 $"cannot read settings file ($settings_path)" }
    let parsed = try { $raw | from yaml } catch {|e| fail --code 78 $"settings file ($settings_path) is not valid YAML: ($e.msg)" }
    let parsed = if $parsed == null { {} } else { $parsed }
    if ($parsed | describe | str starts-with "record") == false {
        fail --code 78 $"settings file ($settings_path) must contain a YAML mapping at the top level"
    }
    let infras = ($parsed.infras? | default {})
    if ($infras | describe | str starts-with "record") == false {
        fail --code 78 $"settings file ($settings_path): `infras` must be a mapping of infra name to settings"
    }
    let section = ($infras | get --optional $infra)
    let merged = if $section == null {
        $parsed | reject --optional infras
    } else {
        $parsed | reject --optional infras | merge deep --strategy overwrite $section
    }
    let provider = ($merged.provider? | default "local")
    if $provider not-in $PROVIDERS {
        fail --code 78 $"unknown provider '($provider)' in ($settings_path) \(supported: ($PROVIDERS | str join ', ')\)"
    }
    let delay_env = ($env.PROVISIONING_STEP_DELAY_MS? | default "")
    let delay = if ($delay_env | is-not-empty) {
        try { $delay_env | into int } catch { fail --code 78 $"PROVISIONING_STEP_DELAY_MS must be a whole number of milliseconds, got '($delay_env)'" }
    } else {
        $merged.local?.step_delay_ms? | default 50
    }
    if ($delay | describe) != "int" or $delay < 0 {
        fail --code 78 $"local.step_delay_ms must be a whole number >= 0, got ($delay)"
    }
    let state_env = ($env.PROVISIONING_STATE_DIR? | default "")
    let state_dir = if ($state_env | is-empty) { $env.PWD | path join .state } else { $state_env | path expand }
    {
        command: $command
        infra: $infra
        infra_defined: ($section != null)
        settings_file: $file
        settings: $merged
        provider: $provider
        check: $check
        wait: $wait
        workspace: $workspace
        state_dir: $state_dir
        infra_dir: ($state_dir | path join $infra)
        step_delay_ms: $delay
        task_id: ($env.PROVISIONING_TASK_ID? | default "")
        attempt: ($env.PROVISIONING_ATTEMPT? | default "")
        orchestrator_url: ($env.PROVISIONING_ORCHESTRATOR_URL? | default "")
    }
}

# The first log line of every run: what, where, for which task.
export def banner [ctx: record] {
    let task = if ($ctx.task_id | is-empty) { "" } else { $" task=($ctx.task_id) attempt=($ctx.attempt | default '?')" }
    let mode = if $ctx.check { " (check mode: nothing will be changed)" } else { "" }
    print -r $"provisioning ($ctx.command): infra=($ctx.infra) provider=($ctx.provider) state=($ctx.state_dir)($task)($mode)"
    if not $ctx.infra_defined and ($ctx.settings.infras? | is-not-empty) {
        print -r $"note: infra '($ctx.infra)' has no section under `infras` in the settings; using the top-level settings"
    }
}

# Server definitions of the infra from the settings, as records with name, plan, zone.
export def defined-servers [ctx: record] {
    let servers = ($ctx.settings.servers? | default [])
    if ($servers | describe | str starts-with "list") == false and ($servers | describe | str starts-with "table") == false {
        fail --code 78 "settings: `servers` must be a list of {hostname, plan, zone, ...}"
    }
    mut specs = []
    for s in $servers {
        if ($s | describe | str starts-with "record") == false { fail --code 78 "settings: every entry of `servers` must be a mapping with a `hostname`" }
        let name = ($s.hostname? | default $s.name?)
        if $name == null { fail --code 78 "settings: every entry of `servers` needs a `hostname`" }
        validate-name server $name
        $specs = ($specs | append (server-spec $ctx $name $s))
    }
    $specs
}

# The spec of one server: settings entry (if any) + defaults. Unknown names get the defaults.
export def server-spec [ctx: record, name: string, entry?: any] {
    let entry = if $entry == null {
        $ctx.settings.servers? | default [] | where {|s| ($s.hostname? | default $s.name?) == $name } | get --optional 0 | default {}
    } else { $entry }
    let defaults = ($ctx.settings.defaults? | default {})
    let plan_name = ($entry.plan? | default $defaults.plan? | default "small")
    let plans = (catalog plans $ctx)
    let plan = ($plans | get --optional $plan_name)
    if $plan == null {
        fail --code 78 $"server ($name): unknown plan '($plan_name)' \(known: ($plans | columns | str join ', ')\)"
    }
    let zone = ($entry.zone? | default $defaults.zone? | default "local-1")
    validate-name zone $zone
    {
        name: $name
        plan: $plan_name
        zone: $zone
        cpu: ($plan.cpu? | default 1)
        memory_mb: ($plan.memory_mb? | default 1024)
        disk_gb: ($plan.disk_gb? | default 10)
        ip: ($entry.ip? | default null)
        labels: ($entry.labels? | default {})
        defined: ($entry | is-not-empty)
    }
}
