package io.ingestline.query.lang;

/** Test help: a query tree with every position set to 0, to compare trees parsed from different texts. */
final class Trees {
    private Trees() {
    }

    static Query withoutPositions(Query query) {
        if (query instanceof Query.And and) {
            return new Query.And(and.clauses().stream().map(Trees::withoutPositions).toList(), 0);
        }
        if (query instanceof Query.Or or) {
            return new Query.Or(or.clauses().stream().map(Trees::withoutPositions).toList(), 0);
        }
        if (query instanceof Query.Not not) {
            return new Query.Not(withoutPositions(not.clause()), 0);
        }
        if (query instanceof Query.Text text) {
            return new Query.Text(text.term(), 0);
        }
        if (query instanceof Query.FieldMatch match) {
            return new Query.FieldMatch(match.field(), match.term(), 0);
        }
        if (query instanceof Query.Exists exists) {
            return new Query.Exists(exists.field(), 0);
        }
        if (query instanceof Query.Range range) {
            return new Query.Range(range.field(), range.lower(), range.upper(), 0);
        }
        return new Query.MatchAll(0);
    }
}
