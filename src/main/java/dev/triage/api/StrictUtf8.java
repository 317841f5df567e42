package dev.triage.api;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;


/**
 * A JSON body must be UTF-8 (RFC 8259 section 8.1), exactly: Jackson's own decoder lets overlong
 * forms and encoded surrogates through, and it would read a UTF-16 or UTF-32 body too. Checked
 * when the body is read, that is after authentication and routing; 400 naming the byte offset.
 */
@Provider
public class StrictUtf8 implements ReaderInterceptor {

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        MediaType type = context.getMediaType();
        if (type != null && isJson(type)) {
            // A charset parameter is ignored: application/json defines none, and JSON between systems is
            // UTF-8 (RFC 8259 section 8.1); a body in another encoding fails the check below.
            byte[] body = context.getInputStream().readAllBytes();
            String problem = problem(body);
            if (problem != null) {
                throw new ProblemException(400, "validation", "Invalid request", "body: " + problem,
                        List.of(new Problem.FieldError("body", problem, "")), Map.of());
            }
            context.setInputStream(new ByteArrayInputStream(body));
        }
        return context.proceed();
    }

    /** What is wrong with the bytes as UTF-8 JSON text, or null. */
    static String problem(byte[] body) {
        for (int i = 0; i < body.length; i++) {
            if (body[i] == 0) {
                return "is not UTF-8 JSON text (a zero byte at offset " + i + ")";
            }
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(body);
        CharBuffer out = CharBuffer.allocate(body.length + 1);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            return "is not valid UTF-8 (at byte offset " + in.position() + ")";
        }
        return null;
    }

    private static boolean isJson(MediaType type) {
        return "application".equalsIgnoreCase(type.getType())
                && ("json".equalsIgnoreCase(type.getSubtype()) || type.getSubtype().toLowerCase().endsWith("+json"));
    }
}
