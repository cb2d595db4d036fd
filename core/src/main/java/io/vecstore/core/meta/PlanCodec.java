package io.vecstore.core.meta;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vecstore.core.error.InvalidRequestException;
import io.vecstore.core.quota.Plan;
import io.vecstore.core.quota.Plans;
import io.vecstore.core.quota.QuotaField;
import io.vecstore.core.quota.QuotaPatch;
import io.vecstore.core.quota.QuotaPolicy;
import io.vecstore.core.quota.Quotas;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Plans as JSON: the plans file an operator passes with {@code --plans}, and a plan as
 * {@code GET /admin/plans} shows it. The file:
 *
 * <pre>
 * {"plans": {"starter": {"description": "…",
 *                        "quotas":   {"max_vectors": 10000, …},
 *                        "ceilings": {"max_vectors": 20000, …},
 *                        "quota_policy": {"auto_grow": {"quota": "max_vectors", …}}}}}
 * </pre>
 *
 * A quota not in {@code quotas} is unlimited; a ceiling not in {@code ceilings} is the plan's own
 * quota (as for the built-in plans), and one given {@code null} is no ceiling. Stateless and
 * thread-safe.
 */
public final class PlanCodec {

  private static final ObjectMapper STRICT = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String PLANS = "plans";
  private static final String DESCRIPTION = "description";
  private static final String QUOTAS = "quotas";
  private static final Set<String> FILE_FIELDS = Set.of(PLANS);
  private static final Set<String> PLAN_FIELDS = Set.of(DESCRIPTION, QUOTAS, Plan.CEILINGS, MetaCodec.QUOTA_POLICY);

  private PlanCodec() {}

  /**
   * The plans of a plans file (with the built-in ones). A file that breaks any rule is an
   * IllegalArgumentException naming the plan, the field and the value, e.g. {@code plan starter:
   * ceilings.max_vectors must be at least the plan's own max_vectors (10000), got: 5000}.
   */
  public static Plans readFile(byte[] json) {
    JsonNode root;
    try {
      root = STRICT.readTree(json);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot be read: " + e.getMessage());
    }
    try {
      MetaCodec.requireObject(root, "the plans file", FILE_FIELDS);
    } catch (InvalidRequestException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
    JsonNode plans = root.get(PLANS);
    if (plans == null || !plans.isObject()) {
      throw new IllegalArgumentException("plans must be an object of plans by name, got: " + plans);
    }
    List<Plan> defined = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : plans.properties()) {
      defined.add(plan(e.getKey(), e.getValue()));
    }
    return Plans.of(defined);
  }

  private static Plan plan(String name, JsonNode n) {
    try {
      MetaCodec.requireObject(n, PLANS + "." + name, PLAN_FIELDS);
      JsonNode description = n.get(DESCRIPTION);
      if (description != null && !description.isNull() && !description.isTextual()) {
        throw new InvalidRequestException(DESCRIPTION + " must be a string, got: " + description);
      }
      Quotas quotas = Quotas.of(quotaValues(n.get(QUOTAS), QUOTAS));
      JsonNode ceilings = n.get(Plan.CEILINGS);
      Quotas ceiling = ceilings == null || ceilings.isNull() ? quotas
          : quotas.merge(QuotaPatch.of(quotaValues(ceilings, Plan.CEILINGS)));
      JsonNode policy = n.get(MetaCodec.QUOTA_POLICY);
      return new Plan(name, description == null || description.isNull() ? null : description.textValue(), quotas, ceiling,
          policy == null || policy.isNull() ? QuotaPolicy.NONE : MetaCodec.readQuotaPolicy(policy, MetaCodec.QUOTA_POLICY));
    } catch (InvalidRequestException e) {
      throw new IllegalArgumentException("plan " + name + ": " + e.getMessage());
    }
  }

  /** The quota fields of {@code n} (absent or null: none), each null or a value of its quota's kind, named under {@code path}. */
  private static Map<QuotaField, Number> quotaValues(JsonNode n, String path) {
    Map<QuotaField, Number> values = new EnumMap<>(QuotaField.class);
    if (n == null || n.isNull()) {
      return values;
    }
    Set<String> names = new java.util.HashSet<>();
    for (QuotaField f : QuotaField.values()) {
      names.add(f.wireName());
    }
    MetaCodec.requireObject(n, path, names);
    for (QuotaField f : QuotaField.values()) {
      JsonNode v = n.get(f.wireName());
      if (v == null) {
        continue;
      }
      String at = path + "." + f.wireName();
      if (v.isNull()) {
        values.put(f, null);
        continue;
      }
      if (!v.isNumber()) {
        throw new InvalidRequestException(at + " must be a number or null, got: " + v);
      }
      Number value = switch (f.kind()) {
        case LONG -> MetaCodec.integer(at, v);
        case INT -> {
          long l = MetaCodec.integer(at, v);
          if (l > Integer.MAX_VALUE) {
            throw new InvalidRequestException(at + " must be at most " + Integer.MAX_VALUE + ", got: " + l);
          }
          yield (int) l;
        }
        case NUMBER -> v.doubleValue();
      };
      if (value.doubleValue() < 0 || !Double.isFinite(value.doubleValue())) {
        throw new InvalidRequestException(at + " must be a non-negative number, got: " + v);
      }
      values.put(f, value);
    }
    return values;
  }

  /** A plan as {@code GET /admin/plans} shows it: name, description, built_in, quotas, ceilings, quota_policy. */
  public static ObjectNode plan(Plan p) {
    ObjectNode n = NODES.objectNode();
    n.put("name", p.name());
    n.put(DESCRIPTION, p.description());
    n.put("built_in", Plans.isBuiltIn(p));
    n.set(QUOTAS, MetaCodec.quotas(p.quotas()));
    n.set(Plan.CEILINGS, MetaCodec.quotas(p.ceilings()));
    n.set(MetaCodec.QUOTA_POLICY, MetaCodec.quotaPolicy(p.policy()));
    return n;
  }
}
