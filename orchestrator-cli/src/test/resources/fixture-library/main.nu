#!/usr/bin/env nu
# A provisioning library for the CLI's tests: same command line as the shipped one
# (servers|taskserv|cluster create|delete ... --infra I --settings S [--check] [--wait] names...),
# but what happens is chosen by the names, so tests can make a task succeed, fail or run until told:
#   fail-*   reports some progress, writes an error on stderr and exits 1
#   hold-*   reports progress every 200 ms until the test creates $PROVISIONING_STATE_DIR/release-<name>
#            (at most 2 minutes), so a watcher that starts late still sees it run
#   others   one step of 100 ms per name, with a progress line and a log line each

def step [names: list<string>, verb: string] {
    let total = ($names | length)
    for it in ($names | enumerate) {
        let name = $it.item
        if ($name | str starts-with "fail") {
            print $"starting ($name)"
            print ({progress: 30, message: $"($name) half way"} | to json -r)
            print -e $"error: ($name) could not be ($verb)"
            exit 1
        }
        if ($name | str starts-with "hold") {
            let release = ($env.PROVISIONING_STATE_DIR | path join $"release-($name)")
            mut i = 0
            while not ($release | path exists) and $i < 600 {
                $i += 1
                print ({progress: ($i mod 90), message: $"($name) holding \(($i)\)"} | to json -r)
                sleep 200ms
            }
            print ({progress: 100, message: $"($name) released"} | to json -r)
        } else {
            sleep 100ms
            print $"($verb) ($name)"
            print ({progress: ((($it.index + 1) * 100) // $total), message: $"($name) ($verb)"} | to json -r)
        }
    }
}

def main [] { print "usage: main.nu (servers|taskserv|cluster) (create|delete) ..." }

def "main servers create" [--infra: string, --settings: string, --check, --wait, ...names: string] {
    print $"servers create on ($infra) with ($settings) check=($check) wait=($wait)"
    step $names "created"
}

def "main servers delete" [--infra: string, --settings: string, --check, --wait, ...names: string] {
    step $names "deleted"
}

def "main taskserv create" [taskserv: string, --infra: string, --settings: string, --check, --wait, ...servers: string] {
    step ([$taskserv] | append $servers) "installed"
}

def "main taskserv delete" [taskserv: string, --infra: string, --settings: string, --check, --wait, ...servers: string] {
    step ([$taskserv] | append $servers) "removed"
}

def "main cluster create" [cluster: string, --infra: string, --settings: string, --check, --wait] {
    step [$cluster] "created"
}

# The orchestrator asks what a cluster is made of before queueing it; this library's clusters
# need no servers or taskservs of their own.
def "main cluster plan" [cluster: string, --infra: string, --settings: string] {
    print ({servers: [], taskservs: []} | to json -r)
}
