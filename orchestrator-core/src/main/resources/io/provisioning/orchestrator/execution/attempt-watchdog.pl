# The keeper of one attempt's process tree, run as `setsid perl -e <this> -- <grace-ms> <script...>`
# by NushellExecutor. setsid makes it a session leader, so the whole tree is one process group the
# orchestrator can find and end. It says "watchdog-ready <pid>" and runs nothing until the
# orchestrator has stored the tree with the claim and writes "go". Then it runs the script (stdin
# from /dev/null) and exits with its code. If its stdin closes first (the orchestrator died, even
# by SIGKILL, or asks the attempt to end), it sends TERM to the whole group, waits up to
# <grace-ms>, then KILLs it. No modules beyond strict/warnings: it starts in a few milliseconds.
use strict;
use warnings;

my $WNOHANG = 1;    # Linux
my $grace_ms = shift @ARGV;
die "watchdog: not a session leader (start it with setsid)\n" if getpgrp() != $$;
$| = 1;
print "watchdog-ready $$\n";
my $go = <STDIN>;
exit 125 unless defined $go && $go eq "go\n";

# a child's end wakes the wait below through a pipe of our own (a signal alone could come just
# before the wait begins and be missed); set up before the fork so that no end is missed
pipe(my $wake_r, my $wake_w) or die "watchdog: pipe failed: $!\n";
$SIG{CHLD} = sub { syswrite($wake_w, "x") };

my $child = fork();
die "watchdog: fork failed: $!\n" unless defined $child;
if ($child == 0) {
    open(STDIN, '<', '/dev/null') or exit 126;
    exec { $ARGV[0] } @ARGV or do {
        print STDERR "cannot run $ARGV[0]: $!\n";
        exit 127;
    };
}

while (1) {
    if (waitpid($child, $WNOHANG) == $child) {
        exit(($? & 127) ? 128 + ($? & 127) : $? >> 8);
    }
    my $in = '';
    vec($in, fileno(STDIN), 1) = 1;
    vec($in, fileno($wake_r), 1) = 1;
    my $ready = select(my $out = $in, undef, undef, 5.0);
    next if $ready <= 0;
    sysread($wake_r, my $drained, 64) if vec($out, fileno($wake_r), 1);
    if (vec($out, fileno(STDIN), 1)) {
        my $got = sysread(STDIN, my $buffer, 64);
        last if !$got;
    }
}

# the orchestrator is gone or asks the attempt to end: the whole group goes
$SIG{TERM} = 'IGNORE';
kill 'TERM', -$$;
for (my $waited = 0; $waited < $grace_ms && others_alive(); $waited += 50) {
    1 while waitpid(-1, $WNOHANG) > 0;
    select(undef, undef, undef, 0.05);
}
kill 'KILL', -$$;
exit 137;

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
