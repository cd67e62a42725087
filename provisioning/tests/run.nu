#!/usr/bin/env nu
# Tests of the provisioning library, through real `nu` child processes.
#
# Run from the repository root:
#   node_modules/@nushell/linux-x64/bin/nu provisioning/tests/run.nu
#
# Every test runs provisioning/main.nu in the example workspace (workspace/) or in a
# scratch workspace, with PROVISIONING_STATE_DIR pointing at a fresh temporary folder.
# Prints one line per test, then exactly "N passed, M failed"; exits 1 on any failure.

const MAIN = path self ../main.nu
const WORKSPACE = path self ../../workspace

const PROD = [--infra production --settings ./settings.yaml]

# Run main.nu in `dir` (default: the example workspace) with the given state dir.
# `vars` adds or overrides environment variables; step delay is 0 unless overridden.
def prov [state: string, args: list<string>, --dir: string, --vars: record = {}, --keep-delay] {
    let dir = if $dir == null { $WORKSPACE } else { $dir }
    let base = if $keep_delay {
        {PROVISIONING_STATE_DIR: $state}
    } else {
        {PROVISIONING_STATE_DIR: $state, PROVISIONING_STEP_DELAY_MS: "0"}
    }
    cd $dir
    with-env ($base | merge $vars) {
        ^$nu.current-exe $MAIN ...$args | complete
    }
}

# A state directory path that does not exist yet (under this run's temp folder).
def fresh-state [] { $env.PROVISIONING_TEST_TMP | path join (random uuid) state }

def check [cond: bool, message: string] {
    if not $cond { error make --unspanned {msg: $message} }
}

def ok [r: record, what: string] {
    check ($r.exit_code == 0) $"($what): exit code ($r.exit_code), stderr: ($r.stderr | str trim)"
}

def failed [r: record, what: string, needle: string] {
    check ($r.exit_code != 0) $"($what): expected a non-zero exit code, got 0; stdout: ($r.stdout | str trim)"
    check ($r.stderr | str contains $needle) $"($what): stderr does not mention '($needle)': ($r.stderr | str trim)"
    check (($r.stderr | lines | where ($it | str starts-with "error: ") | length) > 0) $"($what): no 'error: ' line on stderr: ($r.stderr | str trim)"
}

# Progress lines: every stdout line starting with "{" must be a JSON object with a
# numeric `progress` in 0..100; non-decreasing; the last one is 100. Returns them.
def progress-of [r: record, what: string] {
    mut found = []
    for line in ($r.stdout | lines) {
        if not ($line | str starts-with "{") { continue }
        let parsed = (try { $line | from json } catch { null })
        check ($parsed != null) $"($what): progress line is not valid JSON: ($line)"
        check (($parsed | describe | str starts-with "record") and ("progress" in ($parsed | columns))) $"($what): JSON line without a progress key: ($line)"
        let p = $parsed.progress
        check (($p | describe) == "int" and $p >= 0 and $p <= 100) $"($what): bad progress value in ($line)"
        check (($parsed.message? | describe) == "string") $"($what): progress line without a message: ($line)"
        $found = ($found | append $parsed)
    }
    check ($found | is-not-empty) $"($what): no progress lines"
    let values = ($found | get progress)
    for i in 1..<($values | length) {
        if $i < ($values | length) {
            check (($values | get $i) >= ($values | get ($i - 1))) $"($what): progress goes backwards: ($values)"
        }
    }
    check (($values | last) == 100) $"($what): last progress is ($values | last), not 100"
    $found
}

# All files under a folder with their contents (to compare before/after).
def snapshot [dir: string] {
    if not ($dir | path exists) { return [] }
    glob ($dir | path join "**" "*") | sort | each {|p|
        if ($p | path type) == "file" { {path: $p, content: (open --raw $p)} } else { {path: $p, content: null} }
    }
}

def server-json [state: string, infra: string, name: string] {
    open --raw ($state | path join $infra servers $"($name).json") | from json
}

# A scratch workspace holding the given settings text.
def scratch [settings: string] {
    let dir = ($env.PROVISIONING_TEST_TMP | path join (random uuid) workspace)
    mkdir $dir
    $settings | save ($dir | path join settings.yaml)
    $dir
}

# ---------------------------------------------------------------------------- tests

def test-usage [] {
    let r = (prov (fresh-state) [])
    ok $r "no arguments"
    check ($r.stdout | str contains "servers create  --infra") "usage text missing"
}

def test-servers-create [] {
    let state = (fresh-state)
    let r = (prov $state [servers create ...$PROD web-01 web-02])
    ok $r "servers create"
    let prog = (progress-of $r "servers create")
    check ($prog | any {|p| $p.message == "web-01 created" }) "no 'web-01 created' progress message"
    check ($r.stdout | str contains "creating server web-01 (plan small") "no human log line for web-01"
    for name in [web-01 web-02] {
        let rec = (server-json $state production $name)
        check ($rec.name == $name) $"record name ($rec.name)"
        check ($rec.status == "running") $"status ($rec.status)"
        check ($rec.plan == "small" and $rec.zone == "local-1") $"plan/zone ($rec.plan)/($rec.zone)"
        check ($rec.ip =~ '^10\.42\.[0-9]+\.[0-9]+$') $"ip ($rec.ip)"
        check ($rec.created_at =~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$') $"created_at ($rec.created_at)"
        let dir = ($state | path join production servers $"($name).d")
        check ((open --raw ($dir | path join hostname) | str trim) == $name) "hostname file"
        check (open --raw ($dir | path join hosts) | str contains $"($rec.ip)\t($name)") "hosts file lacks own entry"
    }
    let hosts = (open --raw ($state | path join production hosts))
    check (($hosts | str contains "web-01") and ($hosts | str contains "web-02")) "infra hosts file lacks servers"
    let a = (server-json $state production web-01)
    let b = (server-json $state production web-02)
    check ($a.ip != $b.ip) "two servers got the same ip"
}

def test-settings-and-defaults [] {
    let state = (fresh-state)
    ok (prov $state [servers create ...$PROD db-01 not-in-settings]) "servers create"
    let db = (server-json $state production db-01)
    check ($db.plan == "db" and $db.zone == "local-2" and $db.cpu == 4) $"db-01 from settings: ($db.plan) ($db.zone) ($db.cpu)"
    check ($db.labels.role == "db") "labels from settings"
    let x = (server-json $state production not-in-settings)
    check ($x.plan == "small" and $x.zone == "local-1") $"defaults: ($x.plan) ($x.zone)"
}

def test-create-all-from-settings [] {
    let state = (fresh-state)
    ok (prov $state [servers create ...$PROD]) "servers create without names"
    let names = (ls ($state | path join production servers) | where type == file | get name | each {|p| $p | path parse | get stem } | sort)
    check ($names == [db-01 web-01 web-02]) $"created ($names)"
}

def test-names-differing-by-a-suffix [] {
    let state = (fresh-state)
    ok (prov $state [servers create ...$PROD app]) "servers create app"
    ok (prov $state [servers create ...$PROD app.json app.d]) "servers create app.json app.d"
    ok (prov $state [taskserv create postgres ...$PROD app.json]) "taskserv on app.json"
    for name in [app app.json app.d] {
        check ((server-json $state production $name).name == $name) $"record of ($name)"
        let dir = ($state | path join production servers $"($name).d")
        check ((open --raw ($dir | path join hostname) | str trim) == $name) $"hostname of ($name)"
    }
    check ($state | path join production servers app.json.d taskservs postgres installed | path exists) "postgres on app.json"
    check (not ($state | path join production servers app.d taskservs | path exists)) "postgres landed on app"
}

def test-ip-deterministic-and-per-infra [] {
    let s1 = (fresh-state)
    let s2 = (fresh-state)
    ok (prov $s1 [servers create ...$PROD web-01]) "first"
    ok (prov $s2 [servers create ...$PROD web-02 web-01]) "second"
    check ((server-json $s1 production web-01).ip == (server-json $s2 production web-01).ip) "ip differs between runs"
    ok (prov $s1 [servers create --infra staging --settings ./settings.yaml stage-01]) "staging"
    check ((server-json $s1 staging stage-01).ip | str starts-with "10.43.") "staging ip_prefix from infras.staging"
    # md5("production/web-408") starts with "0b": a hash that reads as a binary literal still gives an ip
    ok (prov $s1 [servers create ...$PROD web-408]) "a name whose hash starts 0b"
    check ((server-json $s1 production web-408).ip =~ '^10\.42\.[0-9]+\.[0-9]+$') "ip of web-408"
}

def test-idempotent-create [] {
    let state = (fresh-state)
    ok (prov $state [servers create ...$PROD web-01]) "first create"
    let before = (server-json $state production web-01)
    let r = (prov $state [servers create ...$PROD web-01])
    ok $r "second create"
    progress-of $r "second create" | ignore
    check ($r.stdout | str contains "already exists") "no 'already exists' line"
    check ((server-json $state production web-01) == $before) "record changed on re-create"
}

def test-check-mode-fresh [] {
    let state = (fresh-state)
    let r = (prov $state [servers create ...$PROD --check --wait web-01 web-02])
    ok $r "servers create --check"
    progress-of $r "check" | ignore
    check ($r.stdout | str contains "would create server web-01") "no 'would create' line"
    check (not ($state | path exists)) "check mode created the state directory"
    ok (prov $state [cluster create kubernetes ...$PROD --check]) "cluster create --check"
    ok (prov $state [servers delete ...$PROD --check web-01]) "servers delete --check"
    check (not ($state | path exists)) "check mode created the state directory"
}

def test-check-mode-changes-nothing [] {
    let state = (fresh-state)
    ok (prov $state [servers create ...$PROD web-01 db-01]) "setup"
    ok (prov $state [taskserv create postgres ...$PROD db-01]) "setup taskserv"
    let before = (snapshot $state)
    for args in [
        [servers create ...$PROD --check web-03 web-01]
        [servers delete ...$PROD --check web-01 db-01]
        [taskserv create redis ...$PROD --check]
        [taskserv delete postgres ...$PROD --check db-01]
        [cluster create kubernetes ...$PROD --check --wait]
    ] {
        let r = (prov $state $args)
        ok $r ($args | str join " ")
        progress-of $r ($args | str join " ") | ignore
        check ($r.stdout | lines | any {|l| $l | str starts-with "[check] " }) $"no [check] lines for ($args | str join ' ')"
    }
    check ((snapshot $state) == $before) "check mode changed the state directory"
}

def test-list [] {
    let state = (fresh-state)
    let empty = (prov $state [servers list ...$PROD --json])
    ok $empty "list empty"
    check (($empty.stdout | from json) == []) "empty list is not []"
    check (not ($state | path exists)) "list created the state directory"
    ok (prov $state [servers create ...$PROD web-01 db-01]) "setup"
    ok (prov $state [taskserv create postgres ...$PROD db-01]) "setup taskserv"
    let r = (prov $state [servers list ...$PROD --json])
    ok $r "list --json"
    let rows = ($r.stdout | from json)
    check (($rows | get name) == [db-01 web-01]) $"names ($rows | get name)"
    check (($rows | where name == db-01 | first | get taskservs) == [postgres]) "taskservs column"
    let t = (prov $state [servers list ...$PROD])
    ok $t "list table"
    check (($t.stdout | str contains "web-01") and ($t.stdout | str contains "running")) "table lacks rows"
}

def test-delete [] {
    let state = (fresh-state)
    ok (prov $state [servers create ...$PROD web-01 web-02]) "setup"
    ok (prov $state [taskserv create nginx ...$PROD web-01]) "setup taskserv"
    let r = (prov $state [servers delete ...$PROD --wait web-01 ghost-01])
    ok $r "servers delete"
    progress-of $r "servers delete" | ignore
    let dir = ($state | path join production servers)
    check (not ($dir | path join web-01.json | path exists)) "record still there"
    check (not ($dir | path join web-01.d | path exists)) "server folder still there"
    check ($dir | path join web-02.json | path exists) "the other server was deleted"
    check (not (open --raw ($dir | path join web-02.d hosts) | str contains "web-01")) "hosts of web-02 still list web-01"
    check ($r.stdout | str contains "ghost-01 does not exist") "no line for the absent server"
    failed (prov $state [servers delete ...$PROD]) "delete without names" "server names"
}

def test-taskserv-create [] {
    let state = (fresh-state)
    ok (prov $state [servers create ...$PROD db-01]) "setup"
    let r = (prov $state [taskserv create postgres ...$PROD --wait db-01])
    ok $r "taskserv create"
    progress-of $r "taskserv create" | ignore
    let dir = ($state | path join production servers db-01.d taskservs postgres)
    let conf = (open --raw ($dir | path join postgres.conf))
    let ip = (server-json $state production db-01).ip
    check ($conf | str contains "port = 5432") "config lacks port"
    check ($conf | str contains "max_connections = 200") "settings override not rendered"
    check ($conf | str contains $"listen_address = ($ip)") "config lacks the server ip"
    let marker = (open --raw ($dir | path join installed) | from json)
    check ($marker.taskserv == "postgres" and $marker.server == "db-01" and $marker.version == "15") $"marker ($marker)"
    let again = (prov $state [taskserv create postgres ...$PROD db-01])
    ok $again "taskserv create again"
    check ($again.stdout | str contains "already installed") "no 'already installed' line"
}

def test-taskserv-missing-server [] {
    let state = (fresh-state)
    ok (prov $state [servers create ...$PROD web-01]) "setup"
    let before = (snapshot $state)
    let r = (prov $state [taskserv create postgres ...$PROD web-01 db-09])
    failed $r "taskserv on a missing server" "db-09"
    check ($r.exit_code == 68) $"exit code ($r.exit_code), expected 68: the server does not exist, not retried"
    check ((snapshot $state) == $before) "a failed taskserv create changed the state"
    failed (prov (fresh-state) [taskserv create postgres ...$PROD]) "taskserv with no servers at all" "no servers"
}

def test-taskserv-all-servers-and-delete [] {
    let state = (fresh-state)
    ok (prov $state [servers create ...$PROD web-01 web-02]) "setup"
    ok (prov $state [taskserv create containerd ...$PROD]) "taskserv create on all servers"
    for s in [web-01 web-02] {
        check ($state | path join production servers $"($s).d" taskservs containerd installed | path exists) $"containerd missing on ($s)"
    }
    let r = (prov $state [taskserv delete containerd ...$PROD web-02])
    ok $r "taskserv delete"
    progress-of $r "taskserv delete" | ignore
    check (not ($state | path join production servers web-02.d taskservs containerd | path exists)) "taskserv not removed"
    check ($state | path join production servers web-01.d taskservs containerd installed | path exists) "removed from the wrong server"
}

def test-cluster-create [] {
    let state = (fresh-state)
    ok (prov $state [servers create ...$PROD web-01 web-02]) "setup"
    let r = (prov $state [cluster create kubernetes ...$PROD --wait])
    ok $r "cluster create"
    progress-of $r "cluster create" | ignore
    check ($r.stdout | str contains "containerd -> etcd -> kubernetes") "install order not reported"
    let rec = (open --raw ($state | path join production clusters kubernetes.json) | from json)
    check ($rec.taskservs == [containerd etcd kubernetes]) $"taskservs ($rec.taskservs)"
    check ($rec.servers == [web-01 web-02]) $"servers ($rec.servers)"
    ok (prov $state [cluster delete kubernetes ...$PROD]) "cluster delete"
    check (not ($state | path join production clusters kubernetes.json | path exists)) "cluster record not deleted"
    failed (prov $state [cluster create nope ...$PROD]) "unknown cluster type" "unknown cluster type"
}

def test-cluster-fallback [] {
    let dir = (scratch "provider: local\n")
    let state = (fresh-state)
    let r = (prov $state [cluster create kubernetes --infra production --settings settings.yaml] --dir $dir)
    ok $r "cluster create with built-in definition"
    check ($r.stdout | str contains "containerd -> etcd -> kubernetes") "fallback order not reported"
    let rec = (open --raw ($state | path join production clusters kubernetes.json) | from json)
    check ($rec.taskservs == [containerd etcd kubernetes]) $"fallback taskservs ($rec.taskservs)"
    rm -rf $dir
}

def test-default-state-dir [] {
    let dir = (scratch "provider: local\nlocal: {step_delay_ms: 0}\n")
    let r = (prov "" [servers create --infra production --settings ./settings.yaml --wait x-01] --dir $dir)
    ok $r "create with the default state dir"
    check ($dir | path join .state production servers x-01.json | path exists) "no record under ./.state"
    rm -rf $dir
}

def test-errors [] {
    let state = (fresh-state)
    failed (prov $state [servers create --infra production --settings ./missing.yaml web-01]) "missing settings" "settings file not found"
    failed (prov $state [servers create --settings ./settings.yaml web-01]) "missing --infra" "--infra"
    failed (prov $state [servers create ...$PROD "../etc"]) "bad server name" "invalid server name"
    failed (prov $state [servers create ...$PROD "a;b"]) "bad server name" "invalid server name"
    failed (prov $state [servers create --infra "../x" --settings ./settings.yaml web-01]) "bad infra name" "invalid infra name"
    failed (prov $state [servers create --infra ".." --settings ./settings.yaml web-01]) "infra .." "invalid infra name"
    failed (prov $state [taskserv restart postgres ...$PROD]) "unknown taskserv operation" "unknown taskserv operation"
    failed (prov $state [servers reboot ...$PROD]) "unknown servers operation" "unknown servers operation"
    failed (prov $state [frobnicate]) "unknown command" "unknown command"
    failed (prov $state [taskserv create postgress ...$PROD]) "unknown taskserv" "unknown taskserv 'postgress'"
    failed (prov $state [servers create ...$PROD --wait web-01] --vars {PROVISIONING_STEP_DELAY_MS: "soon"}) "bad delay" "PROVISIONING_STEP_DELAY_MS"
    failed (prov $state [servers list --infra production --settings ../package.json] --vars {PROVISIONING_WORKSPACE: $WORKSPACE}) "settings outside the workspace" "outside the workspace"
    check (not ($state | path exists)) "a failed run created the state directory"
    let bad = (scratch "provider: aws\n")
    failed (prov $state [servers create --infra production --settings settings.yaml x] --dir $bad) "unknown provider" "unknown provider 'aws'"
    "servers: [\n" | save -f ($bad | path join settings.yaml)
    failed (prov $state [servers create --infra production --settings settings.yaml x] --dir $bad) "invalid YAML" "not valid YAML"
    "provider: local\nservers:\n  - hostname: x\n    plan: gigantic\n" | save -f ($bad | path join settings.yaml)
    failed (prov $state [servers create --infra production --settings settings.yaml] --dir $bad) "unknown plan" "unknown plan 'gigantic'"
    rm -rf $bad
}

def test-environment [] {
    let state = (fresh-state)
    let r = (prov $state [servers create ...$PROD web-01] --vars {
        PROVISIONING_TASK_ID: "6f1c2d9e-0000-4000-8000-000000000001"
        PROVISIONING_ATTEMPT: "2"
        PROVISIONING_ORCHESTRATOR_URL: "http://localhost:8080"
        PROVISIONING_WORKSPACE: $WORKSPACE
    })
    ok $r "create with orchestrator environment"
    check ($r.stdout | str contains "task=6f1c2d9e-0000-4000-8000-000000000001 attempt=2") "banner lacks task id / attempt"
    check ((server-json $state production web-01).task_id == "6f1c2d9e-0000-4000-8000-000000000001") "record lacks task_id"
}

def test-step-delay [] {
    let state = (fresh-state)
    let started = (date now)
    let r = (prov $state [servers create ...$PROD web-01 web-02] --keep-delay)
    let took = ((date now) - $started)
    ok $r "create with settings step delay"
    # 2 servers x 2 pauses x 50 ms (local.step_delay_ms in workspace/settings.yaml)
    check ($took >= 200ms) $"took ($took), expected at least 200ms with step_delay_ms 50"
}

# ---------------------------------------------------------------------------- runner

def main [] {
    # the children get only the environment each test gives them
    for name in ($env | columns | where $it starts-with "PROVISIONING_") { hide-env $name }
    $env.PROVISIONING_TEST_TMP = (mktemp -d)
    let tests = [
        [name body];
        [usage {|| test-usage }]
        [servers-create {|| test-servers-create }]
        [settings-and-defaults {|| test-settings-and-defaults }]
        [create-all-from-settings {|| test-create-all-from-settings }]
        [names-differing-by-a-suffix {|| test-names-differing-by-a-suffix }]
        [ip-deterministic-and-per-infra {|| test-ip-deterministic-and-per-infra }]
        [idempotent-create {|| test-idempotent-create }]
        [check-mode-fresh {|| test-check-mode-fresh }]
        [check-mode-changes-nothing {|| test-check-mode-changes-nothing }]
        [list {|| test-list }]
        [delete {|| test-delete }]
        [taskserv-create {|| test-taskserv-create }]
        [taskserv-missing-server {|| test-taskserv-missing-server }]
        [taskserv-all-servers-and-delete {|| test-taskserv-all-servers-and-delete }]
        [cluster-create {|| test-cluster-create }]
        [cluster-fallback {|| test-cluster-fallback }]
        [default-state-dir {|| test-default-state-dir }]
        [errors {|| test-errors }]
        [environment {|| test-environment }]
        [step-delay {|| test-step-delay }]
    ]
    mut passed = 0
    mut failures = 0
    for t in $tests {
        let started = (date now)
        let result = (try { do $t.body; null } catch {|e| $e.msg })
        let ms = (((date now) - $started) / 1ms | math round)
        if $result == null {
            $passed += 1
            print -r $"ok    ($t.name) \(($ms) ms\)"
        } else {
            $failures += 1
            print -r $"FAIL  ($t.name): ($result)"
        }
    }
    rm -rf $env.PROVISIONING_TEST_TMP
    print -r $"($passed) passed, ($failures) failed"
    if $failures > 0 { exit 1 }
}
