package dev.triage.api;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.Priority;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * Per-caller token buckets (Bucket4j) for the methods marked {@link CallerRateLimited}.
 * SmallRye Fault Tolerance's {@code @RateLimit} counts all callers together, so one noisy
 * client would lock every other out; here each caller (static token name or JWT subject) has
 * its own bucket per limit. The buckets live in a size-bounded Caffeine map (rarely used callers
 * go first), so memory stays bounded whatever the callers do; a caller whose bucket was evicted
 * starts again with a full one. (Size bound only: that Caffeine class is the one registered for
 * native images by quarkus-caffeine; size plus access expiry is not.)
 *
 * <p>Runs after the role check (Quarkus REST checks roles before the method is invoked) and
 * before bean validation (a library-priority interceptor runs before Hibernate Validator's), so
 * only authenticated callers have buckets and invalid requests count too.
 */
@CallerRateLimited(CallerRateLimited.Bucket.WRITES)
@Interceptor
@Priority(Interceptor.Priority.LIBRARY_BEFORE)
public class CallerRateLimiter {

    private record Key(CallerRateLimited.Bucket bucket, String caller) {
    }

    private final SecurityIdentity identity;
    private final RateLimitConfig config;
    private final Cache<Key, Bucket> buckets;

    public CallerRateLimiter(SecurityIdentity identity, RateLimitConfig config) {
        this.identity = identity;
        this.config = config;
        this.buckets = Caffeine.newBuilder()
                .maximumSize(config.maxCallers())
                // maintenance on the calling thread: no task per eviction on the common pool (2-CPU pods)
                .executor(Runnable::run)
                .build();
    }

    @AroundInvoke
    Object limit(InvocationContext invocation) throws Exception {
        CallerRateLimited.Bucket which = invocation.getInterceptorBinding(CallerRateLimited.class).value();
        RateLimitConfig.Limit limit = which == CallerRateLimited.Bucket.ALERTS ? config.alerts() : config.writes();
        Bucket bucket = buckets.get(new Key(which, Callers.id(identity)), key -> Bucket.builder()
                .addLimit(l -> l.capacity(limit.burst()).refillGreedy(limit.perMinute(), Duration.ofMinutes(1)))
                .build());
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill() + 999_999_999L));
            throw new CallerRateLimitedException(limit.perMinute() + " " + which.name().toLowerCase()
                    + " per minute (bursts of " + limit.burst() + ")", seconds);
        }
        return invocation.proceed();
    }
}
