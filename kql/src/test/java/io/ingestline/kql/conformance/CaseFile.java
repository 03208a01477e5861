package io.ingestline.kql.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A file of conformance cases written from one page of Microsoft's Kusto reference. The format, line by line:
 *
 * <pre>
 * # page: data-explorer/kusto/query/log-function.md      (required: the page, in MicrosoftDocs/dataexplorer-docs)
 * # commit: 1bbb122ce                                     (required: the commit the cases were read at)
 * # any other comment
 *
 * == the case's name
 * columns: x:long, s:string        (the input stream's columns; none when left out)
 * event: {"x": 1}                  (the input event; {} when left out)
 * query: print r = log(1)          (the query; the lines after it that start with no key go on with it)
 * out: r:real                      (the output columns, names and types in order)
 * row: {"r": 0}                    (the output row; a null or absent column must be null)
 * dropped                          (or: the row is filtered out)
 * error: unknown function          (or: a compile error whose message holds this text)
 * error-at: 1:7                    (and its line:column)
 * failed: division by zero         (or: a runtime failure whose reason holds this text)
 * </pre>
 *
 * The area is the file's directory under {@code conformance/}.
 */
record CaseFile(Path path, String area, String name, String page, String commit, List<Case> cases) {

    /** Every case file under {@code root}, by area then name. */
    static List<CaseFile> all(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".cases")).sorted()
                    .map(p -> read(p, root.relativize(p.getParent()).toString())).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static CaseFile read(Path path, String area) {
        List<String> lines;
        try {
            lines = Files.readAllLines(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String page = null;
        String commit = null;
        List<Case> cases = new ArrayList<>();
        Builder b = null;
        String last = null;
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n);
            String where = path.getFileName() + ":" + (n + 1);
            if (line.startsWith("# page:")) {
                page = line.substring(7).trim();
            } else if (line.startsWith("# commit:")) {
                commit = line.substring(9).trim();
            } else if (line.startsWith("#")) {
                last = null;
            } else if (line.startsWith("== ")) {
                if (b != null) {
                    cases.add(b.build(where));
                }
                b = new Builder(line.substring(3).trim());
                last = null;
            } else if (line.isBlank()) {
                last = null;
            } else if (b == null) {
                throw new IllegalArgumentException(where + ": a line before the first '== name'");
            } else if (line.equals("dropped")) {
                b.dropped = true;
                last = null;
            } else {
                int colon = line.indexOf(':');
                String key = colon < 0 ? "" : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1).trim();
                switch (key) {
                    case "columns" -> b.columns = columns(value, where);
                    case "event" -> b.event = value;
                    case "query" -> b.query = value;
                    case "out" -> b.out = value;
                    case "row" -> b.row = value;
                    case "error" -> b.error = value;
                    case "error-at" -> b.errorAt = value;
                    case "failed" -> b.failed = value;
                    default -> {
                        if (!"query".equals(last)) {
                            throw new IllegalArgumentException(where + ": not a key of the format: " + line);
                        }
                        b.query = b.query + "\n" + line;
                        continue;
                    }
                }
                last = key;
            }
        }
        if (b != null) {
            cases.add(b.build(path.getFileName().toString()));
        }
        if (page == null || commit == null) {
            throw new IllegalArgumentException(path + ": '# page:' and '# commit:' are required");
        }
        String name = path.getFileName().toString().replace(".cases", "");
        return new CaseFile(path, area, name, page, commit, cases);
    }

    private static Map<String, String> columns(String text, String where) {
        Map<String, String> m = new LinkedHashMap<>();
        if (text.isEmpty()) {
            return m;
        }
        for (String part : text.split(",")) {
            String[] nt = part.trim().split(":");
            if (nt.length != 2) {
                throw new IllegalArgumentException(where + ": a column is name:type, not " + part);
            }
            m.put(nt[0].trim(), nt[1].trim());
        }
        return m;
    }

    private static final class Builder {
        final String name;
        Map<String, String> columns = Map.of();
        String event;
        String query;
        String out;
        String row;
        boolean dropped;
        String error;
        String errorAt;
        String failed;

        Builder(String name) {
            this.name = name;
        }

        Case build(String where) {
            if (query == null) {
                throw new IllegalArgumentException(where + ": case '" + name + "' has no query");
            }
            if (row == null && !dropped && error == null && failed == null && out == null) {
                throw new IllegalArgumentException(where + ": case '" + name + "' expects nothing");
            }
            return new Case(name, columns, event, query, out, row, dropped, error, errorAt, failed);
        }
    }
}
