# The attempt launcher: one long-lived process per orchestrator JVM (and perl), run as
# `perl -e <this> -- <socket-path>` by AttemptLauncher. It forks each attempt's watchdog on request,
# so an attempt costs one fork of an already loaded perl, not an exec of setsid and a perl start.
#
# Requests come on stdin: a 4-byte big-endian length, then fields packed as (N/a*)*: token, grace in
# ms, working directory, argc, the argv, then the environment as NAME=VALUE. Answers go to stdout, one
# line each: "launcher-ready <pid>" once, "reaped <pid> <code>" when a watchdog ended, "failed <token>
# <reason>" when none could be forked. Its stdin closing (the JVM died, even by SIGKILL) ends the
# launcher; each watchdog ends its own tree when its control connection closes, launcher or not.
#
# A watchdog makes a session of its own (so the attempt's whole tree is one process group the
# orchestrator can find and end), connects three times to the orchestrator's socket (control, the
# script's stdout, its stderr; each connection starts "<token> <role>"; control then says
# "ready <pid>") and runs
# nothing until the orchestrator has stored the tree with the claim and writes "go". Then it runs the
# script (stdin /dev/null) and waits. When the script exits it proves the group empty (as a child
# subreaper: no child left means no descendant left; without one, a /proc scan), says
# "exit <code> gone" and exits with the code; if the script left processes behind it says
# "exit <code> left", TERMs the group, waits up to the grace and KILLs it (itself included). If the
# control connection closes first (the orchestrator died, or asks the attempt to end) it TERMs the
# group, waits up to the grace, then KILLs it. No modules beyond POSIX and Socket, loaded once.
use strict;
use warnings;
use POSIX ();
use Socket qw(PF_UNIX SOCK_STREAM pack_sockaddr_un);

my $WNOHANG = 1;               # Linux
my $PR_SET_CHILD_SUBREAPER = 36;
my %SYS_PRCTL = (x86_64 => 157, aarch64 => 167, riscv64 => 167, s390x => 172, ppc64le => 171);
my $MAX_REQUEST = 16 << 20;
my $socket_path = shift @ARGV;
defined $socket_path or die "launcher: no socket path\n";

$| = 1;
binmode STDIN;
pipe(my $wake_r, my $wake_w) or die "launcher: pipe failed: $!\n";
$SIG{CHLD} = sub { syswrite($wake_w, "x") };
print "launcher-ready $$\n";

my $buffer = '';
while (1) {
    reap();
    my $in = '';
    vec($in, fileno(STDIN), 1) = 1;
    vec($in, fileno($wake_r), 1) = 1;
    my $ready = select(my $out = $in, undef, undef, 5.0);
    next if $ready <= 0;
    sysread($wake_r, my $drained, 64) if vec($out, fileno($wake_r), 1);
    next unless vec($out, fileno(STDIN), 1);
    my $got = sysread(STDIN, $buffer, 65536, length $buffer);
    next if !defined $got && $!{EINTR};
    last if !$got;
    while (length($buffer) >= 4) {
        my $length = unpack('N', $buffer);
        die "launcher: a request of $length bytes\n" if $length > $MAX_REQUEST;
        last if length($buffer) < 4 + $length;
        my $request = substr($buffer, 4, $length);
        substr($buffer, 0, 4 + $length) = '';
        spawn(unpack('(N/a*)*', $request));
    }
}
exit 0;

sub reap {
    while ((my $pid = waitpid(-1, $WNOHANG)) > 0) {
        print "reaped $pid " . code_of($?) . "\n";
    }
}

sub code_of {
    my ($status) = @_;
    return ($status & 127) ? 128 + ($status & 127) : $status >> 8;
}

sub spawn {
    my ($token, $grace_ms, $cwd, $argc, @rest) = @_;
    if (!defined $argc || $argc !~ /^\d+$/ || $argc < 1 || @rest < $argc) {
        print "failed " . ($token // '?') . " malformed request\n";
        return;
    }
    my @argv = splice(@rest, 0, $argc);
    my $pid = fork();
    if (!defined $pid) {
        print "failed $token fork: $!\n";
        return;
    }
    return if $pid;
    # the watchdog: none of the launcher's pipes is the attempt's
    $SIG{CHLD} = 'DEFAULT';
    close $wake_r;
    close $wake_w;
    open(STDIN, '<', '/dev/null') or POSIX::_exit(125);
    open(STDOUT, '>', '/dev/null') or POSIX::_exit(125);
    my $code = eval { watchdog($token, $grace_ms, $cwd, \@argv, \@rest) };
    POSIX::_exit(defined $code ? $code : 125);
}

sub watchdog {
    my ($token, $grace_ms, $cwd, $argv, $env) = @_;
    POSIX::setsid() or return 125;
    my $subreaper = subreaper();
    my $ctl = connect_back($token, "ctl\nready $$") or return 125;
    my $out = connect_back($token, 'out') or return 125;
    my $err = connect_back($token, 'err') or return 125;
    my $go = read_line($ctl);
    return 125 unless defined $go && $go eq "go";

    # a child's end wakes the wait below through a pipe of our own (a signal alone could come just
    # before the wait begins and be missed); set up before the fork so that no end is missed
    pipe(my $wake_r, my $wake_w) or return 125;
    $SIG{CHLD} = sub { syswrite($wake_w, "x") };
    my $child = fork();
    return 125 unless defined $child;
    if ($child == 0) {
        $SIG{CHLD} = 'DEFAULT';
        open(STDIN, '<', '/dev/null') or POSIX::_exit(126);
        open(STDOUT, '>&', $out) or POSIX::_exit(126);
        open(STDERR, '>&', $err) or POSIX::_exit(126);
        chdir($cwd) or do { print STDERR "cannot enter $cwd: $!\n"; POSIX::_exit(126) };
        %ENV = map { split(/=/, $_, 2) } @$env;
        # every other descriptor (control, the sockets, the pipes) is close-on-exec, as perl opens them
        exec { $argv->[0] } @$argv or do {
            print STDERR "cannot run $argv->[0]: $!\n";
            POSIX::_exit(127);
        };
    }
    close $out;
    close $err;
    $SIG{PIPE} = 'IGNORE'; # the orchestrator may be gone when we report
    my $code;
    while (1) {
        if (waitpid($child, $WNOHANG) == $child) {
            $code = code_of($?);
            last;
        }
        my $in = '';
        vec($in, fileno($ctl), 1) = 1;
        vec($in, fileno($wake_r), 1) = 1;
        my $ready = select(my $ready_out = $in, undef, undef, 5.0);
        next if $ready <= 0;
        sysread($wake_r, my $drained, 64) if vec($ready_out, fileno($wake_r), 1);
        if (vec($ready_out, fileno($ctl), 1)) {
            my $got = sysread($ctl, my $buffer, 64);
            next if !defined $got && $!{EINTR};
            if (!$got) { # the orchestrator is gone or asks the attempt to end: the whole group goes
                end_group($grace_ms, $subreaper);
            }
        }
    }
    if (!descendants_left($subreaper)) {
        syswrite($ctl, "exit $code gone\n");
        return $code;
    }
    # what the script left behind in its group does not outlive the attempt
    syswrite($ctl, "exit $code left\n");
    end_group($grace_ms, $subreaper);
}

# TERM to the group, up to the grace for it to go, then KILL to the group, this watchdog included
sub end_group {
    my ($grace_ms, $subreaper) = @_;
    $SIG{TERM} = 'IGNORE';
    kill 'TERM', -$$;
    for (my $waited = 0; $waited < $grace_ms && descendants_left($subreaper); $waited += 50) {
        select(undef, undef, undef, 0.05);
    }
    kill 'KILL', -$$;
    POSIX::_exit(137);
}

sub connect_back {
    my ($token, $role) = @_;
    socket(my $s, PF_UNIX, SOCK_STREAM, 0) or return undef;
    connect($s, pack_sockaddr_un($socket_path)) or return undef;
    syswrite($s, "$token $role\n") or return undef;
    return $s;
}

sub read_line {
    my ($fh) = @_;
    my $line = '';
    while (length($line) < 64) {
        my $got = sysread($fh, my $c, 1);
        next if !defined $got && $!{EINTR};
        return undef if !$got;
        return $line if $c eq "\n";
        $line .= $c;
    }
    return undef;
}

# as a child subreaper every orphaned descendant becomes our child, so "no child" means "no descendant"
sub subreaper {
    my $nr = $SYS_PRCTL{(POSIX::uname())[4]};
    return 0 unless defined $nr;
    return syscall($nr, $PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0;
}

# true while a process other than this watchdog is in its session's tree (reaps what has ended)
sub descendants_left {
    my ($subreaper) = @_;
    my $pid;
    1 while ($pid = waitpid(-1, $WNOHANG)) > 0;
    if ($subreaper) {
        return 0 if $pid == -1;
        # children left: in the group they are the tree; one that left it (setsid) is not, but what it
        # started may be, so then the whole of /proc is looked at
        my @children = children();
        return 1 if @children && !grep { !in_group($_) } @children;
    }
    opendir(my $proc, '/proc') or return 1;
    for my $other (grep { /^\d+$/ } readdir $proc) {
        return 1 if $other != $$ && in_group($other);
    }
    return 0;
}

sub children {
    open(my $fh, '<', "/proc/$$/task/$$/children") or return ();
    my $line = <$fh> // '';
    return split(' ', $line);
}

# a live (not zombie) member of this watchdog's group
sub in_group {
    my ($pid) = @_;
    open(my $stat, '<', "/proc/$pid/stat") or return 0;
    my $line = <$stat>;
    close $stat;
    return 0 unless defined $line && $line =~ /\)\s+(\S+)\s+\S+\s+(\d+)/;
    return $2 == $$ && $1 ne 'Z';
}
