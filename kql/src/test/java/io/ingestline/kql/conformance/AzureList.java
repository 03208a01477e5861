package io.ingestline.kql.conformance;

import java.util.List;

/**
 * The functions Azure Monitor allows in data collection rule transformations: "Structure of transformation in Azure
 * Monitor", section "Supported KQL features" (MicrosoftDocs/azure-docs,
 * articles/azure-monitor/essentials/data-collection-transformations-structure.md at 092b7848c30c). Its special
 * function {@code geo_location} needs an IP geolocation database, which the pipeline does not ship: it is refused
 * with a compile error that says so (a case checks it), so it is not listed here.
 */
final class AzureList {
    static final List<String> FUNCTIONS = List.of(
            // conversion
            "tobool", "todatetime", "todouble", "toreal", "toguid", "toint", "tolong", "tostring", "totimespan",
            // datetime and timespan
            "ago", "datetime_add", "datetime_diff", "datetime_part", "dayofmonth", "dayofweek", "dayofyear",
            "endofday", "endofmonth", "endofweek", "endofyear", "getmonth", "getyear", "hourofday", "make_datetime",
            "make_timespan", "now", "startofday", "startofmonth", "startofweek", "startofyear", "weekofyear",
            // dynamic
            "array_concat", "array_length", "pack_array", "pack", "parse_json", "parse_xml", "zip",
            // math
            "abs", "bin", "floor", "ceiling", "exp", "exp10", "exp2", "isfinite", "isinf", "isnan", "log", "log10",
            "log2", "pow", "round", "sign",
            // conditional
            "case", "iif", "max_of", "min_of",
            // string
            "base64_encodestring", "base64_decodestring", "countof", "extract", "extract_all", "indexof", "isempty",
            "isnotempty", "replace", "split", "strcat", "strcat_delim", "strlen", "substring", "tolower", "toupper",
            "hash_sha256",
            // type
            "gettype", "isnull", "isnotnull",
            // bitwise
            "binary_and", "binary_or", "binary_xor", "binary_not", "binary_shift_left", "binary_shift_right",
            // special
            "columnifexists", "parse_cef_dictionary");

    private AzureList() {
    }
}
