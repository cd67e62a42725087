# Output protocol: a stdout line that is a JSON object with a `progress` key is a
# progress update ({"progress": 40, "message": "web-01 created"}); every other stdout
# line is a plain, human-readable log line. Errors go to stderr (see util.nu `fail`).
# All printing uses `print -r`: a plain `print` costs ~2.5 ms a call in nu 0.115.

# A plain log line; in check mode it is prefixed with "[check] ".
export def log [ctx: record, message: string] {
    if $ctx.check { print -r $"[check] ($message)" } else { print -r $message }
}

# One progress line, compact JSON. The percentage is clamped to 0..100.
export def progress [percent: int, message: string] {
    let p = [0 ([$percent 100] | math min)] | math max
    print -r ({progress: $p, message: $message} | to json --raw)
}

# Percentage for `done` of `total` steps, scaled to 5..95 (0 and 100 are the start and end lines).
export def percent [done: int, total: int] {
    if $total <= 0 { 95 } else { 5 + ($done * 90 // $total) }
}

# Pause for the configured step delay so the work is visible (local.step_delay_ms).
export def pause [ctx: record] {
    if $ctx.step_delay_ms > 0 { sleep ($ctx.step_delay_ms * 1ms) }
}
