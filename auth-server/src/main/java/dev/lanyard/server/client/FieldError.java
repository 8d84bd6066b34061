package dev.lanyard.server.client;

/**
 * A rule an input broke: the field (RFC 7591 metadata name where there is one) and a
 * message key that the console and API turn into words.
 *
 * @param field the field name, e.g. {@code redirect_uris}
 * @param code the message key, e.g. {@code redirect-uri.fragment}
 */
public record FieldError(String field, String code) {
}
