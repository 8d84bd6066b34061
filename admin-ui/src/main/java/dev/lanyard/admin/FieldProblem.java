package dev.lanyard.admin;

/**
 * An input a rule refused: the field (RFC 7591 metadata name for clients) and a message
 * key.
 *
 * @param field the field, e.g. {@code redirect_uris}
 * @param code the message key, e.g. {@code redirect-uri.fragment}
 */
public record FieldProblem(String field, String code) {
}
