package io.vecstore.core.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.vecstore.core.error.InvalidRequestException;
import io.vecstore.core.filter.Expr.Literal;
import io.vecstore.core.filter.Expr.Op;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.Query;
import org.junit.jupiter.api.Test;

/** Parser shapes, exact error messages and positions, and the complexity limits. */
class FilterParserTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static Expr parse(String text) {
    return Filters.parse(TextNode.valueOf(text));
  }

  private static InvalidRequestException error(String text) {
    return assertThrows(InvalidRequestException.class, () -> Filters.compile(TextNode.valueOf(text)));
  }

  private static void assertError(String text, String message, int position) {
    InvalidRequestException e = error(text);
    assertEquals(InvalidRequestException.INVALID_FILTER, e.code());
    assertEquals(message + " at " + position, e.getMessage());
    assertEquals(Map.of("position", position), e.details());
  }

  @Test
  void parsesPrecedenceNotOverAndOverOr() {
    Expr expr = parse("a = 1 OR NOT b = 2 AND c = 3");
    Expr expected =
        new Expr.Or(
            List.of(
                new Expr.Compare("a", Op.EQ, new Literal.Num(1)),
                new Expr.And(
                    List.of(
                        new Expr.Not(new Expr.Compare("b", Op.EQ, new Literal.Num(2))),
                        new Expr.Compare("c", Op.EQ, new Literal.Num(3))))));
    assertEquals(expected, expr);
  }

  @Test
  void desugarsNegativeOperators() {
    assertEquals(new Expr.Not(new Expr.Compare("x", Op.EQ, new Literal.Str("a"))), parse("x != 'a'"));
    assertEquals(new Expr.Not(new Expr.Exists("x")), parse("x = null"));
    assertEquals(new Expr.Exists("x"), parse("x != NULL"));
    assertEquals(
        new Expr.Not(new Expr.In("x", List.of(new Literal.Num(1), new Literal.Bool(true)))),
        parse("x not in [1, TRUE]"));
  }

  @Test
  void decodesLiterals() {
    assertEquals(new Expr.Compare("x", Op.EQ, new Literal.Str("it's \"q\" \\ \n\t\u00e9")), parse("x = 'it\\'s \"q\" \\\\ \\n\\t\\u00E9'"));
    assertEquals(new Expr.Compare("x", Op.LT, new Literal.Num(-0.025)), parse("x < -2.5e-2"));
    assertEquals(new Expr.Compare("x", Op.GTE, new Literal.Num(12)), parse("x >= 1.2E+1"));
    assertEquals(new Expr.Compare("weird key`", Op.EQ, new Literal.Num(1)), parse("`weird key\\`` = 1"));
  }

  @Test
  void jsonFormGivesTheSameTreeAsTheStringForm() throws Exception {
    JsonNode json = JSON.readTree("{\"category\": {\"$ne\": \"tech\"}, \"$or\": [{\"year\": {\"$gte\": 2020}}, {\"tags\": {\"$nin\": [\"a\"]}}]}");
    Expr fromJson = Filters.parse(json);
    Expr fromText = parse("category != 'tech' AND (year >= 2020 OR tags NOT IN ['a'])");
    assertEquals(fromText, fromJson);
  }

  @Test
  void reportsErrorsWithExactPositions() {
    assertError("category IN ['a', 'b' 'c']", "Expected ']' after list", 22);
    assertError("category = 'tech' AND year >= 2020 AND", "Expected field name", 38);
    assertError("category = 'tech", "Unterminated string", 11);
    assertError("  ", "Empty filter", 0);
    assertError("", "Empty filter", 0);
    assertError("year >= 2020 year", "Expected end of filter", 13);
    assertError("year => 2020", "Unknown operator '=>'", 5);
    assertError("year = 2020 || year = 2021", "Unknown operator '||'", 12);
    assertError("title CONTAINS", "Expected value after 'CONTAINS'", 14);
    assertError("(a = 1))", "Expected end of filter", 7);
    assertError("a = 1 AND (b = 2 OR c = 3", "Expected ')' after expression", 25);
    assertError("a = 'x\\u00zz'", "Expected 4 hex digits after \\u", 6);
  }

  @Test
  void rejectsTooManyClauses() {
    StringJoiner atLimit = new StringJoiner(" OR ");
    for (int i = 0; i < FilterLimits.MAX_CLAUSES; i++) {
      atLimit.add("x = " + i);
    }
    Query q = Filters.compile(TextNode.valueOf(atLimit.toString()));
    assertEquals(FilterLimits.MAX_CLAUSES, ((BooleanQuery) q).clauses().size());

    String over = atLimit + " OR y = 1";
    assertError(over, "Too many clauses: 513 > 512", over.lastIndexOf("y = 1"));
  }

  @Test
  void longChainsOfNegationsStayWithinLuceneClauseLimit() {
    StringJoiner ne = new StringJoiner(" OR ");
    for (int i = 0; i < FilterLimits.MAX_CLAUSES; i++) {
      ne.add("x != " + i);
    }
    Query q = Filters.compile(TextNode.valueOf(ne.toString()));
    assertTrue(Filters.countLeaves(q) <= 1023, "leaves " + Filters.countLeaves(q));
  }

  @Test
  void rejectsFiltersThatCompileToTooManyLuceneClauses() {
    StringJoiner ranges = new StringJoiner(" OR ");
    for (int i = 0; i < FilterLimits.MAX_CLAUSES; i++) {
      ranges.add("x > " + i); // points + doc values: two Lucene clauses each
    }
    InvalidRequestException e = error(ranges.toString());
    assertEquals("Filter too complex: 1024 Lucene clauses > 1023 at 0", e.getMessage());
  }

  @Test
  void rejectsTooLongLists() {
    StringJoiner values = new StringJoiner(",", "x IN [", "]");
    for (int i = 0; i < FilterLimits.MAX_LIST; i++) {
      values.add(Integer.toString(i));
    }
    Filters.compile(TextNode.valueOf(values.toString()));
    String over = values.toString().replace("]", ",7]");
    assertError(over, "List too long: more than 10000 values", over.length() - 2);

    ArrayNode array = JSON.createArrayNode();
    for (int i = 0; i <= FilterLimits.MAX_LIST; i++) {
      array.add(i);
    }
    ObjectNode json = JSON.createObjectNode();
    json.putObject("x").set("$in", array);
    InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> Filters.compile(json));
    assertEquals("List too long: 10001 > 10000 values at /x/$in", e.getMessage());
    assertEquals(Map.of("path", "/x/$in"), e.details());
  }

  @Test
  void rejectsTooLongText() {
    String text = "x = '" + "a".repeat(FilterLimits.MAX_CHARS) + "'";
    assertError(text, "Filter too long: " + text.length() + " > 65536 characters", 65536);
  }

  @Test
  void rejectsDeepJsonNesting() throws Exception {
    String deep = "{\"$or\": [".repeat(33) + "{\"x\": 1}" + "]}".repeat(33);
    InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> Filters.compile(JSON.readTree(deep)));
    assertEquals("Filter nested too deeply: more than 32 levels at " + "/$or/0".repeat(32) + "/$or", e.getMessage());
  }

  @Test
  void rejectsTooManyJsonClauses() throws Exception {
    ObjectNode json = JSON.createObjectNode();
    for (int i = 0; i <= FilterLimits.MAX_CLAUSES; i++) {
      json.put("k" + i, i);
    }
    InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> Filters.compile(json));
    assertEquals("Too many clauses: 513 > 512 at /k512", e.getMessage());
  }

  @Test
  void rejectsNullAndNonFilterNodes() {
    InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> Filters.compile(null));
    assertEquals("Filter must be a string or a JSON object, got null at /", e.getMessage());
  }
}
