package io.vecstore.core.vector;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One query result.
 *
 * @param distance lower is better (see the namespace's metric)
 * @param score higher is better
 * @param metadata the stored metadata, or null when not requested or absent
 * @param values the stored vector, or null when not requested
 */
public record QueryHit(String id, double distance, double score, ObjectNode metadata, float[] values) {}
