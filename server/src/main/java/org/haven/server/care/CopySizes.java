package org.haven.server.care;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Weigher;
import java.time.Duration;
import java.util.List;
import org.haven.protocol.Care;
import org.jspecify.annotations.Nullable;

/**
 * How much heap a node's copies of care records take, roughly (its caches, and saves waiting for
 * the database), and caches of them bounded both in entries and in bytes. A count alone does not bound the heap: a safety plan may hold 120 entries of
 * 500 characters (some 60 KB), so 100,000 copies of full plans would be gigabytes.
 *
 * <p>The estimate errs high: a string costs its header and two bytes per character unless all of
 * them fit in one byte (the JVM's compact strings); each record and list its header and references.
 *
 * <p>Threading: any thread; stateless, and the caches it builds are Caffeine's (thread-safe).
 */
public final class CopySizes {

    /** A cache entry's own cost (its node, key and value headers), whatever it holds. */
    static final int ENTRY = 160;

    private CopySizes() {}

    public static long of(@Nullable String s) {
        if (s == null) {
            return 0;
        }
        boolean latin1 = true;
        for (int i = 0; i < s.length() && latin1; i++) {
            latin1 = s.charAt(i) < 256;
        }
        return 40L + (latin1 ? s.length() : 2L * s.length());
    }

    public static long of(List<String> entries) {
        long n = 24L + 8L * entries.size();
        for (String e : entries) {
            n += of(e);
        }
        return n;
    }

    public static long of(Care.SafetyPlan p) {
        return 48L
                + of(p.warningSigns())
                + of(p.copingStrategies())
                + of(p.distractions())
                + of(p.peopleToAsk())
                + of(p.professionals())
                + of(p.safeEnvironment());
    }

    public static long ofContacts(List<Care.EmergencyContact> contacts) {
        long n = 24L + 8L * contacts.size();
        for (Care.EmergencyContact c : contacts) {
            n += 32L + of(c.name()) + of(c.relation()) + of(c.phone());
        }
        return n;
    }

    public static long of(Care.Risk r) {
        return 40L + (r.source() == null ? 0 : 16L) + (r.assessedAt() == null ? 0 : 24L);
    }

    public static long of(Care.CheckIn c) {
        Care.Address a = c.address();
        return 64L
                + of(c.id())
                + of(c.client())
                + of(c.room())
                + of(c.callbackPhone())
                + 40L
                + of(a.street())
                + of(a.unit())
                + of(a.city())
                + of(a.region())
                + of(a.postalCode())
                + of(a.country())
                + (c.coordinates() == null ? 0 : 40L)
                + 24L;
    }

    /**
     * A cache of at most {@code maxEntries} entries and about {@code maxBytes} bytes (keys and
     * values as {@code size} estimates them), each entry gone {@code ttl} after it was written.
     * Both bounds are one weight: an entry weighs its size, and at least {@code maxBytes /
     * maxEntries}, so no more than {@code maxEntries} fit.
     */
    static <K, V> Cache<K, V> bounded(long maxBytes, int maxEntries, Duration ttl, Weigher<? super K, ? super V> size) {
        long floor = Math.max(1, maxBytes / maxEntries);
        return Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((K k, V v) -> (int) Math.min(Integer.MAX_VALUE, Math.max(floor, ENTRY + size.weigh(k, v))))
                .expireAfterWrite(ttl)
                .build();
    }
}
