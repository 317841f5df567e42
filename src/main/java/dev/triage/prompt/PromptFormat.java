package dev.triage.prompt;

import java.util.List;

import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Variant;

/**
 * The two representations of a prompt: markdown (the default, also for Accept: *&#47;*) and
 * structured JSON, chosen by the Accept header.
 */
public enum PromptFormat {
    MARKDOWN,
    JSON;

    public static final String MARKDOWN_TYPE = "text/markdown;charset=UTF-8";
    private static final MediaType MARKDOWN_MEDIA = MediaType.valueOf(MARKDOWN_TYPE);
    /** Markdown first: with no preference, it wins. */
    private static final List<Variant> VARIANTS = Variant.mediaTypes(MARKDOWN_MEDIA, MediaType.APPLICATION_JSON_TYPE)
            .build();

    public static PromptFormat negotiate(Request request) {
        Variant chosen = request.selectVariant(VARIANTS);
        if (chosen == null) {
            throw new NotAcceptableException("A prompt is available as text/markdown or application/json.");
        }
        return chosen.getMediaType().isCompatible(MediaType.APPLICATION_JSON_TYPE) ? JSON : MARKDOWN;
    }

    /** A response with the document in this format. */
    public Response.ResponseBuilder respond(PromptDocument document, PromptRenderer renderer) {
        return this == JSON
                ? Response.ok(document, MediaType.APPLICATION_JSON_TYPE)
                : Response.ok(renderer.markdown(document), MARKDOWN_MEDIA);
    }
}
