package org.nlbridge.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.nlbridge.driver.Step;
import org.nlbridge.driver.Unit;
import org.nlbridge.netlink.NoSuchObjectException;
import org.nlbridge.spec.Change;
import org.nlbridge.spec.Change.Action;

/** What a failing step means for the steps after it, as its unit says; no kernel (call steps only). */
class ExecutorTest {
    private final List<String> ran = new ArrayList<>();
    private final List<String> progress = new ArrayList<>();

    private Step ok(String name, Unit unit) {
        return Step.call(new Change(Action.CREATE, "thing", name, ""), unit, () -> ran.add(name));
    }

    private Step failing(String name, Unit unit, RuntimeException e) {
        return Step.call(new Change(Action.CREATE, "thing", name, ""), unit, () -> {
            ran.add(name);
            throw e;
        });
    }

    private List<ApplyException.Failure> run(Runnable afterAbort, Step... steps) {
        return Executor.run(null, null, List.of(steps), (done, total, c) -> progress.add(done + "/" + total + " " + c.object()),
                afterAbort);
    }

    @Test
    void aRolledBackUnitSkipsItsLaterStepsAndIsUndoneTheOthersCarryOn() {
        List<String> undone = new ArrayList<>();
        Unit web = Unit.rollback("container web", errors -> {
            undone.add("web");
            errors.add("veth already gone");
        });
        Unit db = Unit.rollback("container db", errors -> undone.add("db"));
        RuntimeException boom = new IllegalStateException("boom");
        List<ApplyException.Failure> f = run(() -> { }, ok("web-1", web), ok("db-1", db), failing("web-2", web, boom),
                ok("web-3", web), ok("db-2", db));
        assertEquals(List.of("web-1", "db-1", "web-2", "db-2"), ran);
        assertEquals(List.of("web"), undone);
        assertEquals(2, f.size());
        assertEquals("container web: boom", f.get(0).message());
        assertEquals("web-2", f.get(0).step().object());
        assertSame(boom, f.get(0).cause());
        assertEquals("container web: veth already gone", f.get(1).message());
        assertEquals(List.of("1/5 web-1", "2/5 db-1", "3/5 db-2"), progress, "only steps done count as progress");
        ApplyException e = new ApplyException(f);
        assertEquals("2 failures:\n  container web: boom\n  container web: veth already gone", e.getMessage());
        assertEquals(0, e.failures().getFirst().errno(), "not the kernel's refusal");
    }

    @Test
    void aBestEffortUnitReportsAndCarriesOnWithItsOwnLaterSteps() {
        Unit teardown = Unit.bestEffort("network old");
        List<ApplyException.Failure> f = run(() -> { }, failing("fw", teardown, new IllegalStateException("no table")),
                ok("link", teardown), ok("record", teardown));
        assertEquals(List.of("fw", "link", "record"), ran);
        assertEquals(List.of("network old: no table"), f.stream().map(ApplyException.Failure::message).toList());
    }

    @Test
    void deletingWhatIsGoneAlreadyIsDone() {
        Unit teardown = Unit.bestEffort("network old");
        Step gone = Step.call(new Change(Action.DELETE, "link", "br0", ""), teardown, () -> {
            throw new NoSuchObjectException(19, "RTM_DELLINK", "br0", null, null);
        });
        assertEquals(List.of(), run(() -> { }, gone));
        assertEquals(List.of("1/1 br0"), progress);
    }

    @Test
    void anAbortUndoesEveryAbortingUnitBegunInReverseAndThrowsTheFailureItself() {
        List<String> undone = new ArrayList<>();
        Unit a = Unit.abort("network a", errors -> undone.add("a"));
        Unit b = Unit.abort("network b", errors -> {
            undone.add("b");
            errors.add("bridge busy");
        });
        Unit c = Unit.abort("network c", errors -> undone.add("c"));
        RuntimeException boom = new IllegalStateException("icc=false needs br_netfilter");
        List<String> after = new ArrayList<>();
        RuntimeException thrown = assertThrows(RuntimeException.class, () -> run(() -> after.add("tables"),
                ok("a", a), ok("b", b), failing("b-fw", b, boom), ok("c", c)));
        assertSame(boom, thrown);
        assertEquals(List.of("b", "a"), undone, "c never began");
        assertEquals(List.of("tables"), after);
        assertEquals("undoing network b: bridge busy", thrown.getSuppressed()[0].getMessage());
        assertEquals(List.of("a", "b", "b-fw"), ran);
    }
}
