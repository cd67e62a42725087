# Provider dispatch. Only `local` ships; settings.nu rejects any other provider name
# before we get here. A new provider is a module under providers/ exporting the same
# commands as providers/local.nu, plus one branch per command below.

use providers/local.nu
use util.nu [fail]

def unsupported [ctx: record] { fail $"provider '($ctx.provider)' is not implemented" }

export def server [ctx: record, name: string] { match $ctx.provider { "local" => (local server $ctx $name), _ => (unsupported $ctx) } }
export def servers [ctx: record] { match $ctx.provider { "local" => (local servers $ctx), _ => (unsupported $ctx) } }
export def server-status [ctx: record, name: string] { match $ctx.provider { "local" => (local server-status $ctx $name), _ => (unsupported $ctx) } }
export def plan-server [ctx: record, spec: record, --reserved: list<string> = []] { match $ctx.provider { "local" => (local plan-server $ctx $spec --reserved $reserved), _ => (unsupported $ctx) } }
export def render-server [ctx: record, record: record] { match $ctx.provider { "local" => (local render-server $ctx $record), _ => (unsupported $ctx) } }
export def create-server [ctx: record, record: record] { match $ctx.provider { "local" => (local create-server $ctx $record), _ => (unsupported $ctx) } }
export def delete-server [ctx: record, name: string] { match $ctx.provider { "local" => (local delete-server $ctx $name), _ => (unsupported $ctx) } }
export def refresh-hosts [ctx: record] { match $ctx.provider { "local" => (local refresh-hosts $ctx), _ => (unsupported $ctx) } }
export def installed-taskservs [ctx: record, server: string] { match $ctx.provider { "local" => (local installed-taskservs $ctx $server), _ => (unsupported $ctx) } }
export def taskserv-marker [ctx: record, server: string, taskserv: string] { match $ctx.provider { "local" => (local taskserv-marker $ctx $server $taskserv), _ => (unsupported $ctx) } }
export def install-taskserv [ctx: record, server: record, ts: record] { match $ctx.provider { "local" => (local install-taskserv $ctx $server $ts), _ => (unsupported $ctx) } }
export def remove-taskserv [ctx: record, server: string, taskserv: string] { match $ctx.provider { "local" => (local remove-taskserv $ctx $server $taskserv), _ => (unsupported $ctx) } }
export def cluster [ctx: record, type: string] { match $ctx.provider { "local" => (local cluster $ctx $type), _ => (unsupported $ctx) } }
export def create-cluster [ctx: record, record: record] { match $ctx.provider { "local" => (local create-cluster $ctx $record), _ => (unsupported $ctx) } }
export def delete-cluster [ctx: record, type: string] { match $ctx.provider { "local" => (local delete-cluster $ctx $type), _ => (unsupported $ctx) } }
