# Small helpers shared by the provisioning library: errors, names, time, files.

# Print one clear error line on stderr and end the process with a non-zero code.
export def fail [message: string, --code: int = 1] {
    print -r -e $"error: ($message)"
    exit $code
}

# Names of infras, servers, taskservs and clusters: [A-Za-z0-9._-], at most 63
# characters, not "." or ".." (they become path components in the state directory).
export def validate-name [kind: string, value: any] {
    if ($value | describe) != "string" {
        fail $"invalid ($kind) name: expected a string, got ($value | describe)"
    }
    if ($value | is-empty) {
        fail $"invalid ($kind) name: empty"
    }
    if $value in ["." ".."] or not ($value =~ '^[A-Za-z0-9._-]+$') {
        fail $"invalid ($kind) name '($value)': only letters, digits, '.', '_' and '-' are allowed"
    }
    if ($value | str length) > 63 {
        fail $"invalid ($kind) name '($value)': longer than 63 characters"
    }
    $value
}

# Validate a list of names (a `for` loop, not `each`: `exit` inside an `each`
# closure is reported by nu as an internal error). Returns them deduplicated, in order.
export def validate-names [kind: string, values: list<any>] {
    for v in $values { validate-name $kind $v }
    $values | uniq
}

# Current time, ISO-8601 UTC with milliseconds.
export def now-iso [] {
    date now | date to-timezone UTC | format date "%Y-%m-%dT%H:%M:%S%.3fZ"
}

# Save the piped text to a file atomically (temp file + rename), creating parent folders.
export def write-atomic [path: string] {
    let content = $in
    let dir = ($path | path dirname)
    if not ($dir | path exists) { mkdir $dir }
    let tmp = $"($path).tmp-($nu.pid)"
    $content | save --force $tmp
    mv --force $tmp $path
}

# Read a JSON file, or null if it does not exist.
export def read-json [path: string] {
    if ($path | path exists) { open --raw $path | from json } else { null }
}
