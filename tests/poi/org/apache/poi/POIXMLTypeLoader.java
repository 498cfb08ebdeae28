// The complete OOXML schema classes that a registry package carries (POI 3.17's, from the PyPI
// package poi4py) call this POI 3.x class; Debian's POI 4.0.1 moved it. It parses as POI 4
// does, through XmlBeans' context type loader with POI's default options, so Debian's POI 4
// reads every part with the complete schemas. Compiled by tests/test_readers.py.
package org.apache.poi;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.net.URL;
import javax.xml.stream.XMLStreamReader;
import org.apache.xmlbeans.SchemaType;
import org.apache.xmlbeans.XmlBeans;
import org.apache.xmlbeans.XmlException;
import org.apache.xmlbeans.XmlObject;
import org.apache.xmlbeans.XmlOptions;
import org.w3c.dom.Node;

public class POIXMLTypeLoader {
    public static final XmlOptions DEFAULT_XML_OPTIONS = org.apache.poi.ooxml.POIXMLTypeLoader.DEFAULT_XML_OPTIONS;

    private static XmlOptions options(XmlOptions given) {
        return given == null ? DEFAULT_XML_OPTIONS : given;
    }

    public static XmlObject newInstance(SchemaType type, XmlOptions given) {
        return XmlBeans.getContextTypeLoader().newInstance(type, options(given));
    }

    public static XmlObject parse(String text, SchemaType type, XmlOptions given) throws XmlException {
        return XmlBeans.getContextTypeLoader().parse(text, type, options(given));
    }

    public static XmlObject parse(File file, SchemaType type, XmlOptions given) throws XmlException, IOException {
        return XmlBeans.getContextTypeLoader().parse(file, type, options(given));
    }

    public static XmlObject parse(URL url, SchemaType type, XmlOptions given) throws XmlException, IOException {
        return XmlBeans.getContextTypeLoader().parse(url, type, options(given));
    }

    public static XmlObject parse(InputStream stream, SchemaType type, XmlOptions given) throws XmlException, IOException {
        return XmlBeans.getContextTypeLoader().parse(stream, type, options(given));
    }

    public static XmlObject parse(XMLStreamReader reader, SchemaType type, XmlOptions given) throws XmlException {
        return XmlBeans.getContextTypeLoader().parse(reader, type, options(given));
    }

    public static XmlObject parse(Reader reader, SchemaType type, XmlOptions given) throws XmlException, IOException {
        return XmlBeans.getContextTypeLoader().parse(reader, type, options(given));
    }

    public static XmlObject parse(Node node, SchemaType type, XmlOptions given) throws XmlException {
        return XmlBeans.getContextTypeLoader().parse(node, type, options(given));
    }
}
