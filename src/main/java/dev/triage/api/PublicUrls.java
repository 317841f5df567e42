package dev.triage.api;

import java.net.URI;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Links in responses ({@code Location}, {@code Link}): absolute under {@code triage.public-url}
 * when it is configured (the address clients use, e.g. the ingress), otherwise relative to the
 * server's root (RFC 9110 allows a relative Location). Never built from the request's Host header,
 * which any client can set (and which HTTP/1.0 requests may omit).
 */
@ApplicationScoped
public class PublicUrls {

    private final String base;

    public PublicUrls(@ConfigProperty(name = "triage.public-url") Optional<URI> publicUrl) {
        this.base = publicUrl.map(PublicUrls::validated).orElse("");
    }

    /** {@code pathAndQuery} (starting with /) made absolute when a public URL is configured. */
    public String link(String pathAndQuery) {
        return base + pathAndQuery;
    }

    private static String validated(URI url) {
        String scheme = url.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme) || url.getHost() == null || url.getQuery() != null
                || url.getFragment() != null) {
            throw new IllegalArgumentException("triage.public-url must be an absolute http(s) URL without query or"
                    + " fragment, such as https://triage.example.com (it is " + url + ")");
        }
        String text = url.toString();
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }
}
