# The provisioning orchestrator from Nushell: the same commands as bin/provisioning, returning
# records and tables instead of text.
#
#   use nushell/provisioning.nu *
#   provisioning test quick kubernetes
#   provisioning test env single postgres --auto-start --auto-cleanup
#   provisioning test env server web-01 [containerd kubernetes cilium] --auto-start
#   provisioning test topology load kubernetes_3node | test env cluster kubernetes
#   provisioning task list --status Failed | where attempts > 1
#
# Every command exists twice: as `test env cluster` and as `provisioning test env cluster`, so
# that `use provisioning.nu *` runs the original's pipelines as written. (`use provisioning.nu`
# without `*` gives `provisioning ...` only.)
#
# Environment: PROVISIONING_URL (default http://localhost:8080), PROVISIONING_TOKEN (a bearer token).
# Errors are Nushell errors whose message is one line starting with "provisioning:".

const DEFAULT_URL = "http://localhost:8080"
# this module's version: the project's version (a test checks it against pom.xml)
const MODULE_VERSION = "0.1.0-SNAPSHOT"
const TERMINAL = [Completed Failed Cancelled]

def base-url [] {
    $env.PROVISIONING_URL? | default $DEFAULT_URL | str trim --right --char "/"
}

def auth-headers [] {
    let token = ($env.PROVISIONING_TOKEN? | default "")
    if ($token | is-empty) { {} } else { {Authorization: $"Bearer ($token)"} }
}

def fail [message: string] {
    error make --unspanned {msg: $"provisioning: ($message)"}
}

# Percent-encodes one path segment (ids and names typed by a user).
def segment [value: string] {
    $value | str trim | url encode --all
}

# One API call: unwraps the {success, data, error} envelope or fails with one clear line.
def api [method: string, path: string, body?: any] {
    let url = $"(base-url)($path)"
    let headers = (auth-headers)
    let response = try {
        match $method {
            "GET" => (http get --full --allow-errors --headers $headers $url)
            "POST" => (http post --full --allow-errors --headers $headers --content-type application/json $url ($body | default {}))
            "DELETE" => (http delete --full --allow-errors --headers $headers $url)
        }
    } catch {|e|
        let reason = ($e.details?.labels?.0?.text? | default $e.msg)
        fail $"cannot reach the orchestrator at (base-url): ($reason) \(is it running? set PROVISIONING_URL\)"
    }
    let status = $response.status
    let envelope = if ($response.body | describe | str starts-with "record") { $response.body } else { null }
    if $status >= 200 and $status < 300 and $envelope != null and ($envelope.success? == true) {
        return $envelope.data
    }
    let message = ($envelope.error? | default $"HTTP ($status) from ($method) ($path)")
    if $status == 401 {
        fail $"the orchestrator rejected the request: ($message) \(check PROVISIONING_TOKEN\)"
    }
    if $status == 404 and ($message =~ '^(no such endpoint|Endpoint \S+ \S+ not found)') {
        fail $"the orchestrator at (base-url) does not offer ($method) ($path); it is older than this module"
    }
    fail $"($message) \(HTTP ($status)\)"
}

# One progress line on stderr: redrawn in place on a terminal, a line of its own on a pipe.
def progress-line [line: string] {
    if (is-terminal --stderr) { print -n -e $"\r\e[K($line)" } else { print -e $line }
}

# Ends a line that progress-line redrew in place.
def end-progress [] {
    if (is-terminal --stderr) { print -e "" }
}

def show-progress [task: record, previous: string] {
    let percent = ($task.progress?.percent? | default 0)
    let message = ($task.progress?.message? | default "")
    let line = $"task ($task.id) ($task.status) ($percent)% ($message)" | str trim
    if $line != $previous {
        progress-line $line
    }
    $line
}

# Polls a task until it is Completed, Failed or Cancelled; progress goes to stderr.
def follow [id: string] {
    mut task = (api GET $"/tasks/(segment $id)")
    mut shown = (show-progress $task "")
    while not ($task.status in $TERMINAL) {
        sleep 300ms
        $task = (api GET $"/tasks/(segment $id)")
        $shown = (show-progress $task $shown)
    }
    end-progress
    $task
}

def workflow-body [infra: string, settings: string, check: bool, wait: bool, priority: any,
        max_attempts: any, timeout_seconds: any, depends_on: any] {
    mut body = {infra: $infra, settings: $settings, check_mode: $check, wait: $wait}
    if $priority != null {
        $body.priority = (if ($priority | describe) == "string" and ($priority =~ '^\d+$') { $priority | into int } else { $priority })
    }
    if $max_attempts != null { $body.max_attempts = $max_attempts }
    if $timeout_seconds != null { $body.timeout_seconds = $timeout_seconds }
    if $depends_on != null { $body.depends_on = ($depends_on | flatten) }
    $body
}

def submit [kind: string, body: record, wait: bool] {
    let id = (api POST $"/workflows/($kind)/create" $body)
    if $wait { follow $id } else { {task_id: $id} }
}

# Flattens names given as a list, as words, or both: [a b] c -> [a b c].
def names [values: list<any>] {
    $values | flatten | each {|v| $v | into string } | where {|v| $v | is-not-empty }
}

# ---------------------------------------------------------------- health and workflows

# Is the orchestrator up? Returns its health message.
export def health [] {
    api GET "/health"
}

# The address of the orchestrator's web console (<PROVISIONING_URL>/ui/), once the orchestrator answers.
export def ui [] {
    api GET "/health" | ignore
    $"(base-url)/ui/"
}

# This module's version and the orchestrator's (GET /version: version, storage backends built in and in use).
# (only as `provisioning version`: a bare `version` would shadow Nushell's own)
export def "provisioning version" [] {
    {module: $MODULE_VERSION, orchestrator: (api GET "/version")}
}

# Create servers (POST /workflows/servers/create). Returns {task_id}, or the finished task with --wait.
export def "workflow servers create" [
    ...servers: any               # server names (words or a list)
    --infra: string               # infra, e.g. production
    --settings: string = "./settings.yaml" # settings file in the server's workspace
    --check                       # check mode: only show what would be done
    --wait                        # scripts wait for readiness, and this command waits for the task
    --priority: any               # 0-100 or low, normal, high, critical
    --max-attempts: int
    --timeout-seconds: int
    --depends-on: list<string>    # task ids that must complete first
] {
    if $infra == null { fail "--infra is required" }
    let body = (workflow-body $infra $settings $check $wait $priority $max_attempts $timeout_seconds $depends_on
        | insert servers (names $servers) | insert operation create)
    submit servers $body $wait
}

# Install a taskserv on servers (POST /workflows/taskserv/create).
export def "workflow taskserv create" [
    taskserv: string
    ...servers: any               # servers (default: all of the infra)
    --infra: string
    --settings: string = "./settings.yaml"
    --check
    --wait
    --priority: any
    --max-attempts: int
    --timeout-seconds: int
    --depends-on: list<string>
] {
    if $infra == null { fail "--infra is required" }
    mut body = (workflow-body $infra $settings $check $wait $priority $max_attempts $timeout_seconds $depends_on
        | insert taskserv $taskserv | insert operation create)
    let on = (names $servers)
    if ($on | is-not-empty) { $body.servers = $on }
    submit taskserv $body $wait
}

# Create a cluster (POST /workflows/cluster/create).
export def "workflow cluster create" [
    cluster_type: string
    --infra: string
    --settings: string = "./settings.yaml"
    --check
    --wait
    --priority: any
    --max-attempts: int
    --timeout-seconds: int
    --depends-on: list<string>
] {
    if $infra == null { fail "--infra is required" }
    let body = (workflow-body $infra $settings $check $wait $priority $max_attempts $timeout_seconds $depends_on
        | insert cluster_type $cluster_type | insert operation create)
    submit cluster $body $wait
}

# ---------------------------------------------------------------- tasks

# Tasks, newest first, as a table.
export def "task list" [
    --status: string              # Pending, Running, Completed, Failed or Cancelled
    --limit: int = 50
    --offset: int = 0
] {
    let query = ({status: $status, limit: $limit, offset: $offset} | transpose key value
        | where value != null | each {|p| $"($p.key)=($p.value | into string | url encode --all)" } | str join "&")
    api GET $"/tasks?($query)"
}

# One task as a record.
export def "task show" [id: string] {
    api GET $"/tasks/(segment $id)"
}

# Cancel a pending or running task.
export def "task cancel" [id: string] {
    api POST $"/tasks/(segment $id)/cancel"
}

# Queue a failed or cancelled task again; --wait follows it to its end.
export def "task retry" [id: string, --wait] {
    let answer = (api POST $"/tasks/(segment $id)/retry")
    if $wait { follow $id } else { $answer }
}

# Delete a finished task with its logs (admin); an unfinished one, or one an unfinished task depends on, is refused.
export def "task delete" [id: string] {
    api DELETE $"/tasks/(segment $id)"
}

# The script output of every attempt as a table of {attempt, ts, stream, line}.
export def "task logs" [id: string, --attempt: int] {
    api GET $"/tasks/(segment $id)/logs"
        | where {|a| $attempt == null or $a.attempt == $attempt }
        | each {|a| $a.lines | each {|l| {attempt: $a.attempt, ts: $l.ts, stream: $l.stream, line: $l.line} } }
        | flatten
}

# Wait for a task to end (progress on stderr) and return it.
export def "task watch" [id: string] {
    follow $id
}

# ---------------------------------------------------------------- test environments

def create-env [config: record, infra: any, auto_start: bool, auto_cleanup: bool] {
    mut body = {config: $config, auto_start: $auto_start, auto_cleanup: $auto_cleanup}
    if $infra != null { $body.infra = $infra }
    let created = (api POST "/test/environments/create" $body)
    let id = if ($created | describe) == "string" { $created } else { $created.id? | default ($created.environment_id? | default "") }
    if ($id | is-empty) { fail "the orchestrator created an environment but sent no id" }
    $id
}

# Polls while the environment is Creating or Running; null when it went away (auto-cleanup).
def settle [id: string] {
    mut last = ""
    loop {
        let environment = try { api GET $"/test/environments/(segment $id)" } catch {|e|
            if ($e.msg | str contains "(HTTP 404)") { null } else { error make --unspanned {msg: $e.msg} }
        }
        if $environment == null { return null }
        if $environment.status != $last {
            print -e $"environment ($id) ($environment.status)"
            $last = $environment.status
        }
        if not ($environment.status in [Creating Running Pending Starting]) { return $environment }
        sleep 500ms
    }
}

def env-result [id: string, auto_start: bool] {
    if $auto_start {
        let environment = (settle $id)
        if $environment == null { {id: $id, status: "CleanedUp"} } else { $environment }
    } else {
        api GET $"/test/environments/(segment $id)"
    }
}

def with-resources [config: record, base_image: any, cpu_millicores: any, memory_mb: any] {
    mut c = $config
    if $base_image != null { $c.base_image = $base_image }
    if $cpu_millicores != null or $memory_mb != null {
        mut r = {}
        if $cpu_millicores != null { $r.cpu_millicores = $cpu_millicores }
        if $memory_mb != null { $r.memory_mb = $memory_mb }
        $c.resources = $r
    }
    $c
}

# The topology of a create body: a template is itself the topology (nodes, network, checks);
# a record that wraps one under `topology` is unwrapped.
def topology-of [template: any] {
    if ($template.topology? | describe | str starts-with "record") { return $template.topology }
    if $template.nodes? == null { fail "the topology has no nodes" }
    $template
}

# GET /test/topologies as a table with a name column, whether the server answers a list of
# templates, a list of names, or a record of name -> template.
def topology-table [] {
    let answer = (api GET "/test/topologies")
    if ($answer | describe | str starts-with "record") {
        $answer | transpose name template | each {|r| {name: $r.name} | merge ($r.template | default {}) }
    } else {
        $answer | each {|t| if ($t | describe) == "string" { {name: $t} } else { $t } }
    }
}

# The one topology template whose cluster_type is this one.
def template-for [cluster_type: string] {
    let names = (topology-table | where {|t| ($t.cluster_type? | default "") == $cluster_type } | get name)
    if ($names | length) == 1 { return ($names | first) }
    if ($names | is-empty) {
        fail $"no topology template is made for cluster type ($cluster_type); pipe one in or use --topology NAME"
    }
    fail $"several topology templates are made for cluster type ($cluster_type) \(($names | str join ', ')\); choose one with --topology"
}

# One container with one taskserv.
export def "test env single" [
    taskserv: string
    --auto-start                  # start it on creation (and wait while it is busy)
    --auto-cleanup                # remove it after its checks ran
    --base-image: string
    --infra: string
    --cpu-millicores: int
    --memory-mb: int
    --environment: record         # environment variables for the taskserv
] {
    mut config = (with-resources {type: single_taskserv, taskserv: $taskserv} $base_image $cpu_millicores $memory_mb)
    if $environment != null { $config.environment = $environment }
    let id = (create-env $config $infra $auto_start $auto_cleanup)
    env-result $id $auto_start
}

# One container simulating a server with several taskservs: test env server web-01 [containerd kubernetes]
export def "test env server" [
    name: string
    ...taskservs: any             # a list, or words
    --auto-start
    --auto-cleanup
    --base-image: string
    --infra: string
    --cpu-millicores: int
    --memory-mb: int
] {
    let list = (names $taskservs)
    if ($list | is-empty) { fail $"name at least one taskserv for server ($name)" }
    let config = (with-resources {type: server_simulation, server_name: $name, taskservs: $list} $base_image $cpu_millicores $memory_mb)
    let id = (create-env $config $infra $auto_start $auto_cleanup)
    env-result $id $auto_start
}

# One container per node of a topology. The topology comes from the pipeline
# (test topology load kubernetes_3node | test env cluster kubernetes), from --topology <template>,
# or else is the one template made for the cluster type.
export def "test env cluster" [
    cluster_type: string
    --topology: string            # template name, when nothing is piped in (default: the one for the type)
    --auto-start
    --auto-cleanup
    --infra: string
] {
    let piped = $in
    let template = if $piped != null { $piped } else {
        api GET $"/test/topologies/(segment ($topology | default (template-for $cluster_type)))"
    }
    let config = {type: cluster_topology, cluster_type: $cluster_type, topology: (topology-of $template)}
    let id = (create-env $config $infra $auto_start $auto_cleanup)
    env-result $id $auto_start
}

# Test environments as a table.
export def "test env list" [] {
    api GET "/test/environments"
}

# One environment: containers, network, status, last results.
export def "test env status" [id: string] {
    api GET $"/test/environments/(segment $id)"
}

# Run the environment's checks; returns the results (name, passed, output, duration).
export def "test env run" [id: string] {
    api POST $"/test/environments/(segment $id)/run"
}

# The logs of the environment's containers.
export def "test env logs" [id: string] {
    api GET $"/test/environments/(segment $id)/logs"
}

# Remove the environment's containers and network.
export def "test env cleanup" [id: string] {
    api DELETE $"/test/environments/(segment $id)"
}

# Remove the managed containers, networks and volumes whose owning data dir no longer exists or
# whose environment is gone (admin); returns what was removed: kind, name, environment, reason.
export def "test env prune" [] {
    api POST "/test/environments/prune" {} | get removed
}

# Test one taskserv end to end: create, run the checks, remove. Returns {environment, taskserv, passed, results}.
export def "test quick" [
    taskserv: string
    --infra: string
    --keep                        # keep the environment afterwards
] {
    let id = (create-env {type: single_taskserv, taskserv: $taskserv} $infra true false)
    let outcome = try {
        let environment = (settle $id)
        if $environment == null { fail $"environment ($id) disappeared before its checks ran" }
        if $environment.status == "Failed" {
            fail $"environment ($id) for ($taskserv) failed to start: ($environment.error? | default 'see test env logs')"
        }
        let answer = (api POST $"/test/environments/(segment $id)/run")
        let results = if ($answer | describe | str starts-with "list") or ($answer | describe | str starts-with "table") { $answer } else { $answer.results? | default [] }
        {ok: {environment: $id, taskserv: $taskserv, passed: ($results | all {|r| $r.passed? == true }), results: $results}}
    } catch {|e| {error: $e.msg} }
    if not $keep { try { api DELETE $"/test/environments/(segment $id)" | ignore } }
    if "error" in $outcome { error make --unspanned {msg: $outcome.error} }
    $outcome.ok
}

# Topology templates as a table.
export def "test topology list" [] {
    topology-table
}

# One topology template as a record; pipe it into `test env cluster`.
export def "test topology load" [name: string] {
    api GET $"/test/topologies/(segment $name)"
}

# ---------------------------------------------------------------- storage

# The orchestrator's live storage backend and the last online migration, as a record.
export def "storage status" [] {
    api GET "/storage"
}

# Moves the running orchestrator to another store while it keeps taking work (an online
# migration); follows it until it has switched and returns its final status. Offline
# migration between stores no orchestrator holds is `bin/provisioning storage migrate`.
export def "storage migrate" [
    --to: string                    # filesystem, postgresql, surrealdb-embedded or surrealdb-server
    --data-dir: string              # the target's data dir (filesystem, surrealdb-embedded)
    --postgresql-url: string        # the target database (postgresql), jdbc:postgresql://HOST:PORT/DB
    --postgresql-user: string
    --postgresql-password-file: string  # a file on the orchestrator's machine; its first line is the password
    --surrealdb-url: string         # the target database (surrealdb-server), ws://...
    --surrealdb-username: string
    --surrealdb-password: string
    --surrealdb-namespace: string
    --surrealdb-database: string
    --batch-size: int
    --no-wait                       # return the migration's first status instead of following it
] {
    if $to == null { fail "storage migrate needs --to <type>: filesystem, postgresql, surrealdb-embedded or surrealdb-server" }
    let body = ({
        to: $to, data_dir: $data_dir, surrealdb_url: $surrealdb_url, surrealdb_username: $surrealdb_username,
        surrealdb_password: $surrealdb_password, surrealdb_namespace: $surrealdb_namespace,
        surrealdb_database: $surrealdb_database, postgresql_url: $postgresql_url, postgresql_user: $postgresql_user,
        postgresql_password_file: $postgresql_password_file, batch_size: $batch_size
    } | transpose key value | where value != null | transpose -r -d | into record)
    mut status = (api POST "/storage/migrations" $body)
    if $no_wait { return $status }
    mut shown = ""
    while not ($status.state in [SWITCHED FAILED]) {
        sleep 200ms
        $status = (api GET "/storage/migrations/current")
        let line = $"storage migration ($status.from) -> ($status.to): ($status.state) ($status.copied)/($status.total)"
        if $line != $shown {
            progress-line $line
            $shown = $line
        }
    }
    end-progress
    if $status.state == "FAILED" {
        fail $"storage migration ($status.from) -> ($status.to) failed: ($status.error? | default 'no reason given'); the orchestrator still uses ($status.from)"
    }
    $status
}

# ---------------------------------------------------------------- the same, under `provisioning`

export alias "provisioning health" = health
export alias "provisioning ui" = ui
export alias "provisioning workflow servers create" = workflow servers create
export alias "provisioning workflow taskserv create" = workflow taskserv create
export alias "provisioning workflow cluster create" = workflow cluster create
export alias "provisioning task list" = task list
export alias "provisioning task show" = task show
export alias "provisioning task cancel" = task cancel
export alias "provisioning task retry" = task retry
export alias "provisioning task delete" = task delete
export alias "provisioning task logs" = task logs
export alias "provisioning task watch" = task watch
export alias "provisioning test quick" = test quick
export alias "provisioning test env single" = test env single
export alias "provisioning test env server" = test env server
export alias "provisioning test env cluster" = test env cluster
export alias "provisioning test env list" = test env list
export alias "provisioning test env status" = test env status
export alias "provisioning test env run" = test env run
export alias "provisioning test env logs" = test env logs
export alias "provisioning test env cleanup" = test env cleanup
export alias "provisioning test env prune" = test env prune
export alias "provisioning test topology list" = test topology list
export alias "provisioning test topology load" = test topology load
export alias "provisioning storage status" = storage status
export alias "provisioning storage migrate" = storage migrate
