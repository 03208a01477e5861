package io.ingestline.query.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How many lines each file holds, remembered: a visible file never changes (the sink renames it into place once,
 * its name holds its partition and offsets), so a file is counted once, not at every page. At most
 * {@code maxFiles} are kept (about 200 bytes each), the least recently used dropped first.
 */
final class LineCounts {
    private final int maxFiles;
    private final Map<String, Long> counts;

    LineCounts(int maxFiles) {
        this.maxFiles = maxFiles;
        this.counts = new LinkedHashMap<>(16, 0.75f, true);
    }

    /** The known counts of these files, by path. */
    synchronized Map<String, Long> known(List<DataFile> files) {
        Map<String, Long> known = new HashMap<>();
        for (DataFile file : files) {
            Long lines = counts.get(key(file));
            if (lines != null) {
                known.put(key(file), lines);
            }
        }
        return known;
    }

    synchronized void remember(Map<String, Long> lines) {
        counts.putAll(lines);
        var oldest = counts.keySet().iterator();
        while (counts.size() > maxFiles) {
            oldest.next();
            oldest.remove();
        }
    }

    /**
     * Each file's lines before its first, by name, when the files' lines are numbered one after the other (DuckDB's
     * {@code WITH ORDINALITY} over the list): a line's number in its file is its ordinality minus that.
     */
    static Map<String, Long> starts(List<DataFile> files, Map<String, Long> lines) {
        Map<String, Long> starts = new HashMap<>();
        long before = 0;
        for (DataFile file : files) {
            starts.put(file.name(), before);
            before += lines.get(key(file));
        }
        return starts;
    }

    /**
     * The files in at most {@code count} runs of the list, of about as many lines each: a page numbers each run on a
     * thread of its own.
     */
    static List<List<DataFile>> groups(List<DataFile> files, Map<String, Long> lines, int count) {
        long total = 0;
        for (DataFile file : files) {
            total += lines.get(key(file));
        }
        List<List<DataFile>> groups = new ArrayList<>();
        List<DataFile> group = new ArrayList<>();
        long inGroup = 0;
        for (DataFile file : files) {
            group.add(file);
            inGroup += lines.get(key(file));
            if (inGroup * count >= total && groups.size() < count - 1) {
                groups.add(group);
                group = new ArrayList<>();
                inGroup = 0;
            }
        }
        if (!group.isEmpty()) {
            groups.add(group);
        }
        return groups;
    }

    static String key(DataFile file) {
        return file.path().toString();
    }
}
