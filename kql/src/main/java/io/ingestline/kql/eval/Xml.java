package io.ingestline.kql.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ingestline.model.Json;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Kusto's {@code parse_xml}: XML text to a dynamic value, named as Kusto's page names it. The root element {@code e}
 * becomes {@code {"e": value}}; an element with neither attributes nor child elements is its text (null when it has
 * none); otherwise an object of its attributes as {@code "@name"}, its text as {@code "#text"} and its child elements
 * by name (an array when a name repeats). Text is trimmed; an element's text that is a JSON number becomes a number
 * (the page's own example turns {@code <value>118.0</value>} into {@code 118.0}); attributes stay strings. Only
 * elements, attributes and text are read (comments and processing instructions are skipped); names are as written
 * (prefixes kept, {@code xmlns} declarations are attributes).
 *
 * <p>Safely: a document type declaration makes the text invalid (so no DTD, no entity of any kind but XML's five
 * and character references, nothing external is ever read); text over 1 MB in UTF-8 (Kusto's own limit) and
 * elements nested deeper than half the project's JSON nesting limit ({@link Json#MAX_NESTING_DEPTH}, as each element
 * may add an object and an array) give null, as invalid XML does.
 */
final class Xml {
    /** Kusto's limit on the text's length in bytes. */
    static final int MAX_BYTES = 1024 * 1024;
    static final int MAX_DEPTH = Json.MAX_NESTING_DEPTH / 2;
    private static final XMLInputFactory FACTORY = factory();

    private Xml() {
    }

    private static XMLInputFactory factory() {
        XMLInputFactory f = XMLInputFactory.newDefaultFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, false);
        f.setProperty(XMLInputFactory.IS_COALESCING, true);
        f.setXMLResolver((publicId, systemId, base, ns) -> {
            throw new XMLStreamException("external entities are not read");
        });
        return f;
    }

    /** The text as a dynamic value, or null when it is not well-formed XML or is past a limit. */
    static JsonNode parse(String text) {
        if (text.length() > MAX_BYTES || utf8Length(text) > MAX_BYTES) {
            return null;
        }
        XMLStreamReader r = null;
        try {
            r = FACTORY.createXMLStreamReader(new StringReader(text));
            return document(r);
        } catch (KqlRuntimeException e) {
            throw e; // over budget
        } catch (XMLStreamException | RuntimeException e) {
            return null;
        } finally {
            close(r);
        }
    }

    private static JsonNode document(XMLStreamReader r) throws XMLStreamException {
        Deque<Element> open = new ArrayDeque<>();
        ObjectNode root = null;
        while (r.hasNext()) {
            switch (r.next()) {
                case XMLStreamConstants.DTD, XMLStreamConstants.ENTITY_REFERENCE -> {
                    return null;
                }
                case XMLStreamConstants.START_ELEMENT -> {
                    Budget.check();
                    if (open.size() >= MAX_DEPTH) {
                        return null;
                    }
                    Element e = new Element(r.getLocalName());
                    for (int i = 0; i < r.getAttributeCount(); i++) {
                        e.attributes.put("@" + r.getAttributeLocalName(i), r.getAttributeValue(i));
                    }
                    open.push(e);
                }
                case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                    if (!open.isEmpty()) {
                        open.peek().text.append(r.getText());
                    }
                }
                case XMLStreamConstants.END_ELEMENT -> {
                    Element e = open.pop();
                    JsonNode value = e.value();
                    if (open.isEmpty()) {
                        root = Values.NODES.objectNode();
                        root.set(e.name, value);
                    } else {
                        open.peek().add(e.name, value);
                    }
                }
                default -> {
                    // comments, processing instructions, the XML declaration: skipped
                }
            }
        }
        return root;
    }

    /** An element being read. */
    private static final class Element {
        final String name;
        final Map<String, String> attributes = new LinkedHashMap<>();
        final StringBuilder text = new StringBuilder();
        final Map<String, List<JsonNode>> children = new LinkedHashMap<>();

        Element(String name) {
            this.name = name;
        }

        void add(String child, JsonNode value) {
            children.computeIfAbsent(child, k -> new ArrayList<>(1)).add(value);
        }

        JsonNode value() {
            String t = text.toString().strip();
            if (attributes.isEmpty() && children.isEmpty()) {
                return t.isEmpty() ? Values.NODES.nullNode() : textValue(t);
            }
            ObjectNode o = Values.NODES.objectNode();
            attributes.forEach(o::put);
            if (!t.isEmpty()) {
                o.set("#text", textValue(t));
            }
            children.forEach((k, v) -> o.set(k, v.size() == 1 ? v.get(0) : Values.NODES.arrayNode().addAll(v)));
            return o;
        }
    }

    private static JsonNode textValue(String t) {
        if (t.length() <= Json.MAX_NUMBER_LENGTH && isJsonNumber(t)) {
            boolean integral = t.indexOf('.') < 0 && t.indexOf('e') < 0 && t.indexOf('E') < 0;
            if (integral) {
                try {
                    return Values.NODES.numberNode(Long.parseLong(t));
                } catch (NumberFormatException ignored) {
                    return Values.NODES.textNode(t);
                }
            }
            double d = Double.parseDouble(t);
            return Double.isFinite(d) ? Values.NODES.numberNode(d) : Values.NODES.textNode(t);
        }
        return Values.NODES.textNode(t);
    }

    /** JSON's number syntax: {@code -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?}. */
    static boolean isJsonNumber(String t) {
        int i = 0;
        int n = t.length();
        if (i < n && t.charAt(i) == '-') {
            i++;
        }
        if (i >= n || !digit(t.charAt(i))) {
            return false;
        }
        if (t.charAt(i) == '0') {
            i++;
        } else {
            while (i < n && digit(t.charAt(i))) {
                i++;
            }
        }
        if (i < n && t.charAt(i) == '.') {
            i++;
            int from = i;
            while (i < n && digit(t.charAt(i))) {
                i++;
            }
            if (i == from) {
                return false;
            }
        }
        if (i < n && (t.charAt(i) == 'e' || t.charAt(i) == 'E')) {
            i++;
            if (i < n && (t.charAt(i) == '+' || t.charAt(i) == '-')) {
                i++;
            }
            int from = i;
            while (i < n && digit(t.charAt(i))) {
                i++;
            }
            if (i == from) {
                return false;
            }
        }
        return i == n;
    }

    private static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }

    private static int utf8Length(String s) {
        return s.length() * 3 <= MAX_BYTES ? s.length() : s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static void close(XMLStreamReader r) {
        if (r != null) {
            try {
                r.close();
            } catch (XMLStreamException ignored) {
                // nothing to release
            }
        }
    }
}
