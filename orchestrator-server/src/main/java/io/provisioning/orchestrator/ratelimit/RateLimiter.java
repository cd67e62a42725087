package io.provisioning.orchestrator.ratelimit;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One token bucket per client: {@code burst} tokens, refilled at {@code perMinute} a minute. Idle
 * buckets that have refilled completely are dropped now and then, so many one-off clients cost
 * no memory for long.
 */
public final class RateLimiter {
    private static final int SWEEP_EVERY = 1024;
    private final double capacity;
    private final double tokensPerMilli;
    private final Clock clock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final AtomicLong calls = new AtomicLong();

    public RateLimiter(RateLimitSettings settings, Clock clock) {
        if (!settings.enabled()) {
            throw new IllegalArgumentException("rate limiting is off");
        }
        this.capacity = settings.burst();
        this.tokensPerMilli = settings.perMinute() / 60_000.0;
        this.clock = clock;
    }

    /** Takes one token for this client, or says how many whole seconds until one is there. */
    public void acquire(String client) {
        long now = clock.millis();
        if (calls.incrementAndGet() % SWEEP_EVERY == 0) {
            sweep(now);
        }
        Bucket bucket = buckets.computeIfAbsent(client, c -> new Bucket(capacity, now));
        long waitMillis;
        synchronized (bucket) {
            bucket.refill(now, capacity, tokensPerMilli);
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return;
            }
            waitMillis = (long) Math.ceil((1 - bucket.tokens) / tokensPerMilli);
        }
        throw new RateLimitedException(Math.max(1, (waitMillis + 999) / 1000));
    }

    int trackedClients() {
        return buckets.size();
    }

    private void sweep(long now) {
        buckets.entrySet().removeIf(e -> {
            synchronized (e.getValue()) {
                e.getValue().refill(now, capacity, tokensPerMilli);
                return e.getValue().tokens >= capacity;
            }
        });
    }

    private static final class Bucket {
        double tokens;
        long updatedAt;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.updatedAt = now;
        }

        void refill(long now, double capacity, double perMilli) {
            if (now > updatedAt) {
                tokens = Math.min(capacity, tokens + (now - updatedAt) * perMilli);
                updatedAt = now;
            }
        }
    }
}
