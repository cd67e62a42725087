# The keeper of one attempt's process tree, run as `perl -e <this> <grace-ms> <script...>` by
# NushellExecutor. It makes a session of its own (so the whole tree is one process group the
# orchestrator can find and end), says "watchdog-ready", and runs nothing until the orchestrator has
# stored the tree with the claim and writes "go". Then it runs the script (stdin from /dev/null) and
# exits with its code. If its stdin closes first (the orchestrator died, even by SIGKILL, or asks
# the attempt to end), it sends TERM to the whole group, waits up to <grace-ms>, then KILLs it.
use strict;
use warnings;
use POSIX ();

my $grace_ms = shift @ARGV;
POSIX::setsid() if getpgrp() != $$;
die "watchdog: not a session leader\n" if getpgrp() != $$;
$| = 1;
print "watchdog-ready $$\n";
my $go = <STDIN>;
exit 125 unless defined $go && $go eq "go\n";

my $child = fork();
die "watchdog: fork failed: $!\n" unless defined $child;
if ($child == 0) {
    open(STDIN, '<', '/dev/null') or POSIX::_exit(126);
    exec { $ARGV[0] } @ARGV or do {
        print STDERR "cannot run $ARGV[0]: $!\n";
        POSIX::_exit(127);
    };
}

$SIG{CHLD} = sub { };
my $in = '';
vec($in, fileno(STDIN), 1) = 1;
while (1) {
    if (waitpid($child, POSIX::WNOHANG()) == $child) {
        exit(POSIX::WIFEXITED($?) ? POSIX::WEXITSTATUS($?) : 128 + POSIX::WTERMSIG($?));
    }
    # SIGCHLD interrupts the wait; the timeout covers a child that ended just before it began
    my $ready = select(my $out = $in, undef, undef, 1.0);
    if ($ready > 0) {
        my $got = sysread(STDIN, my $buffer, 64);
        last if !$got;
    }
}

# the orchestrator is gone or asks the attempt to end: the whole group goes
$SIG{TERM} = 'IGNORE';
kill 'TERM', -$$;
for (my $waited = 0; $waited < $grace_ms && others_alive(); $waited += 50) {
    1 while waitpid(-1, POSIX::WNOHANG()) > 0;
    select(undef, undef, undef, 0.05);
}
kill 'KILL', -$$;
POSIX::_exit(137);

sub others_alive {
    opendir(my $proc, '/proc') or return 0;
    for my $pid (grep { /^\d+$/ } readdir $proc) {
        next if $pid == $$;
        open(my $stat, '<', "/proc/$pid/stat") or next;
        my $line = <$stat>;
        close $stat;
        next unless defined $line && $line =~ /\)\s+(\S+)\s+\S+\s+(\d+)/;
        return 1 if $2 == $$ && $1 ne 'Z';
    }
    return 0;
}
