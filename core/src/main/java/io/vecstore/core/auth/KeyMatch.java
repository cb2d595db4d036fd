package io.vecstore.core.auth;

/** The namespace key a presented key turned out to be. */
public record KeyMatch(String namespace, String name, KeyRole role) {}
