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
    void aFailingContainerUndoesTheWholeRequestEveryUnitBegunLastFirst() {
        List<String> undone = new ArrayList<>();
        Unit web = Unit.rollback("container web", errors -> {
            undone.add("web");
            errors.add("veth already gone");
        });
        Unit db = Unit.rollback("container db", errors -> undone.add("db"));
        Unit old = Unit.bestEffort("container old", errors -> undone.add("old attached again"));
        RuntimeException boom = new IllegalStateException("boom");
        ApplyException e = assertThrows(ApplyException.class, () -> run(() -> { }, ok("old-1", old), ok("web-1", web),
                ok("db-1", db), failing("web-2", web, boom), ok("web-3", web), ok("db-2", db)));
        assertEquals(List.of("old-1", "web-1", "db-1", "web-2"), ran, "nothing after the failure");
        assertEquals(List.of("db", "web", "old attached again"), undone, "every unit begun, the last first");
        assertEquals(true, e.rolledBack());
        assertEquals(2, e.failures().size());
        assertEquals("container web: boom", e.failures().get(0).message());
        assertEquals("web-2", e.failures().get(0).step().object());
        assertSame(boom, e.failures().get(0).cause());
        assertEquals("container web: undoing container web: veth already gone", e.failures().get(1).message());
        assertEquals("container web: boom; the request was undone, except:\n  container web: undoing container web:"
                + " veth already gone", e.getMessage());
        assertEquals(List.of("1/6 old-1", "2/6 web-1", "3/6 db-1"), progress, "only steps done count as progress");
        assertEquals(0, e.failures().getFirst().errno(), "not the kernel's refusal");
    }

    @Test
    void whatAStepRegistersIsUndoneBeforeItsUnitsOwnUndo() {
        List<String> undone = new ArrayList<>();
        Unit web = Unit.rollback("container web", errors -> undone.add("endpoint"));
        Step record = Step.call(new Change(Action.CREATE, "container", "web", ""), web, () -> {
            ran.add("record");
            web.onUndo(errors -> undone.add("record"));
        });
        Step files = Step.call(new Change(Action.CREATE, "files", "web", ""), web, () -> {
            ran.add("files");
            web.onUndo(errors -> undone.add("files"));
        });
        ApplyException e = assertThrows(ApplyException.class, () -> run(() -> { }, record, files,
                failing("route", web, new IllegalStateException("EEXIST"))));
        assertEquals(List.of("files", "record", "endpoint"), undone);
        assertEquals("container web: EEXIST; the request was undone, nothing of it is applied", e.getMessage());
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
    void aCheckThatOnlyAStepCouldMakeIsThrownAsItIsAfterTheUndo() {
        List<String> undone = new ArrayList<>();
        Unit web = Unit.rollback("container web", errors -> undone.add("web"));
        org.nlbridge.net.ValidationException taken = new org.nlbridge.net.ValidationException("container web: ip",
                "10.0.0.2", "is in use by container db", "a free address");
        assertSame(taken, assertThrows(org.nlbridge.net.ValidationException.class,
                () -> run(() -> { }, ok("record", web), failing("journal", web, taken))));
        assertEquals(List.of("web"), undone);
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
    void anAbortUndoesEveryUnitBegunInReverseAndSaysWhatTheUndoCouldNotDo() {
        List<String> undone = new ArrayList<>();
        Unit a = Unit.abort("network a", errors -> undone.add("a"));
        Unit b = Unit.abort("network b", errors -> {
            undone.add("b");
            errors.add("bridge busy");
        });
        Unit c = Unit.abort("network c", errors -> undone.add("c"));
        RuntimeException boom = new IllegalStateException("icc=false needs br_netfilter");
        List<String> after = new ArrayList<>();
        ApplyException thrown = assertThrows(ApplyException.class, () -> run(() -> after.add("tables"),
                ok("a", a), ok("b", b), failing("b-fw", b, boom), ok("c", c)));
        assertSame(boom, thrown.failures().getFirst().cause());
        assertEquals(List.of("b", "a"), undone, "c never began");
        assertEquals(List.of("tables"), after);
        assertEquals("network b: undoing network b: bridge busy", thrown.failures().get(1).message());
        assertEquals(List.of("a", "b", "b-fw"), ran);
    }
}
