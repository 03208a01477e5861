package io.ingestline.kql.eval;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** parse_xml's safety limits: no DTD or entity of any kind is read, size and depth are bounded (null past them). */
class XmlTest {
    @Test
    void entity_expansion_and_external_entities_give_null() {
        String laughs = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
                + "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
                + "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]><lolz>&lol3;</lolz>";
        assertThat(Xml.parse(laughs)).isNull();
        assertThat(Xml.parse("<!DOCTYPE e SYSTEM \"http://127.0.0.1:1/x.dtd\"><e/>")).isNull();
        assertThat(Xml.parse("<!DOCTYPE e [<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;]><e/>")).isNull();
        assertThat(Xml.parse("<e>&undeclared;</e>")).isNull();
    }

    @Test
    void text_over_one_megabyte_gives_null_and_up_to_it_is_read() {
        String open = "<e>";
        String close = "</e>";
        int room = Xml.MAX_BYTES - open.length() - close.length();
        assertThat(Xml.parse(open + "x".repeat(room) + close).get("e").textValue()).hasSize(room);
        assertThat(Xml.parse(open + "x".repeat(room + 1) + close)).isNull();
        // counted in UTF-8 bytes: é is two
        assertThat(Xml.parse(open + "é".repeat(room / 2 + 1) + close)).isNull();
    }

    @Test
    void nesting_past_the_depth_limit_gives_null_and_up_to_it_is_read() {
        String atLimit = "<a>".repeat(Xml.MAX_DEPTH) + "</a>".repeat(Xml.MAX_DEPTH);
        assertThat(Xml.parse(atLimit)).isNotNull();
        String deeper = "<a>".repeat(Xml.MAX_DEPTH + 1) + "</a>".repeat(Xml.MAX_DEPTH + 1);
        assertThat(Xml.parse(deeper)).isNull();
    }

    @Test
    void numbers_only_in_json_syntax_become_numbers() {
        assertThat(Xml.parse("<e>-1.5e3</e>").get("e").isNumber()).isTrue();
        assertThat(Xml.parse("<e>007</e>").get("e").textValue()).isEqualTo("007");
        assertThat(Xml.parse("<e>1.</e>").get("e").textValue()).isEqualTo("1.");
        assertThat(Xml.parse("<e>99999999999999999999</e>").get("e").textValue()).isEqualTo("99999999999999999999");
        assertThat(Xml.parse("<e a=\"1\"/>").get("e").get("@a").isTextual()).isTrue();
    }
}
