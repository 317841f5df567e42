package dev.triage.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.enterprise.util.Nonbinding;
import jakarta.interceptor.InterceptorBinding;

/**
 * Limits how often each authenticated caller may invoke the method (a token bucket per caller and
 * {@link Bucket}); over the limit the call is refused with 429 and Retry-After before it runs.
 */
@InterceptorBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.METHOD, ElementType.TYPE })
public @interface CallerRateLimited {

    /** Which limit (triage.rate-limit.&lt;bucket&gt;.*) applies. */
    @Nonbinding
    Bucket value();

    enum Bucket {
        /** Incident creations and changes. */
        WRITES,
        /** Alertmanager notifications. */
        ALERTS
    }
}
