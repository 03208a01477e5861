package io.ingestline.local.traffic;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What became of every event sent: the fate its request's answer promises, and at the end where each one was
 * found. Every event carries a unique marker {@code @U<n>@} in exactly one place, so it can be found again in
 * whatever shape the dialect and the rules stored it.
 */
final class Ledger {
    private static final Pattern MARKER = Pattern.compile("@U(\\d+)@");

    /** What an answer promises about one event. */
    enum Fate {
        /** answered 2xx (or a dialect's documented partial acceptance) and valid: stored exactly once */
        STORE,
        /** acknowledged but refused by the validator's checks: exactly once in the dead letters, never stored */
        DEAD_LETTER,
        /** refused (by its request's answer or by the edge): stored nowhere */
        NEVER,
        /** the answer did not say (503, timeout, connection lost): stored at most once */
        MAYBE
    }

    record Expectation(String dataset, Fate fate, String request) {
    }

    private final AtomicLong nextUid = new AtomicLong();
    private final Map<Long, Expectation> expected = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> answers = new ConcurrentHashMap<>();
    private final List<String> answerMismatches = java.util.Collections.synchronizedList(new ArrayList<>());

    /** Events sent so far. */
    long count() {
        return nextUid.get();
    }

    long newUid() {
        return nextUid.getAndIncrement();
    }

    static String marker(long uid) {
        return "@U" + uid + "@";
    }

    void expect(long uid, String dataset, Fate fate, String request) {
        expected.put(uid, new Expectation(dataset, fate, request));
    }

    void answered(String dialect, int status) {
        answers.computeIfAbsent(dialect + " " + status, k -> new AtomicLong()).incrementAndGet();
    }

    void answerMismatch(String what) {
        answerMismatches.add(what);
    }

    long count(Fate fate) {
        return expected.values().stream().filter(e -> e.fate() == fate).count();
    }

    Map<String, AtomicLong> answers() {
        return answers;
    }

    Set<Long> uidsToStore() {
        Set<Long> out = new java.util.HashSet<>();
        expected.forEach((uid, e) -> {
            if (e.fate() == Fate.STORE) {
                out.add(uid);
            }
        });
        return out;
    }

    /** Every marker in a text (an event may contain just one). */
    static List<Long> uids(String text) {
        List<Long> out = new ArrayList<>(1);
        Matcher m = MARKER.matcher(text);
        while (m.find()) {
            out.add(Long.parseLong(m.group(1)));
        }
        return out;
    }

    /**
     * Checks every invariant against what was found.
     *
     * @param stored      dataset -> the uid of every stored event (one entry per stored copy)
     * @param deadLetters uid of every dead letter (one entry per copy)
     * @return the violations, at most {@code limit} of each kind, plus counts
     */
    List<String> violations(Map<String, List<Long>> stored, List<Long> deadLetters, int limit) {
        Map<String, List<String>> found = new HashMap<>();
        Map<Long, Integer> storedCount = new HashMap<>();
        Map<Long, String> storedIn = new HashMap<>();
        stored.forEach((dataset, uids) -> uids.forEach(uid -> {
            storedCount.merge(uid, 1, Integer::sum);
            storedIn.put(uid, dataset);
        }));
        Map<Long, Integer> deadCount = new HashMap<>();
        deadLetters.forEach(uid -> deadCount.merge(uid, 1, Integer::sum));
        storedCount.forEach((uid, n) -> {
            Expectation e = expected.get(uid);
            if (e == null) {
                add(found, "stored but never sent", "uid " + uid);
                return;
            }
            if (n > 1) {
                add(found, "stored more than once", "uid " + uid + " x" + n + " (" + e + ")");
            }
            if (e.fate() == Fate.NEVER || e.fate() == Fate.DEAD_LETTER) {
                add(found, "stored although its answer refused it (" + e.fate() + ")", "uid " + uid + " " + e);
            }
            if (!storedIn.get(uid).equals(e.dataset())) {
                add(found, "stored in the wrong dataset", "uid " + uid + " in " + storedIn.get(uid) + " " + e);
            }
        });
        deadCount.forEach((uid, n) -> {
            Expectation e = expected.get(uid);
            if (n > 1) {
                add(found, "dead-lettered more than once", "uid " + uid + " x" + n + " " + e);
            }
            if (e != null && (e.fate() == Fate.STORE || e.fate() == Fate.NEVER)) {
                add(found, "dead-lettered although " + e.fate(), "uid " + uid + " " + e);
            }
        });
        expected.forEach((uid, e) -> {
            if (e.fate() == Fate.STORE && !storedCount.containsKey(uid)) {
                add(found, "acknowledged but not stored", "uid " + uid + " " + e);
            }
            if (e.fate() == Fate.DEAD_LETTER && !deadCount.containsKey(uid)) {
                add(found, "acknowledged as a dead letter but not in the dead-letter topic", "uid " + uid + " " + e);
            }
        });
        synchronized (answerMismatches) {
            answerMismatches.forEach(m -> add(found, "answer does not match the events refused", m));
        }
        List<String> out = new ArrayList<>();
        found.forEach((kind, examples) -> out.add(kind + ": " + examples.size() + " e.g. "
                + examples.subList(0, Math.min(limit, examples.size()))));
        return out;
    }

    private static void add(Map<String, List<String>> found, String kind, String example) {
        found.computeIfAbsent(kind, k -> new ArrayList<>()).add(example);
    }
}
