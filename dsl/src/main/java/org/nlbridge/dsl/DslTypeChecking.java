package org.nlbridge.dsl;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import org.codehaus.groovy.ast.ASTNode;
import org.codehaus.groovy.ast.AnnotationNode;
import org.codehaus.groovy.ast.CodeVisitorSupport;
import org.codehaus.groovy.ast.ClassNode;
import org.codehaus.groovy.ast.ConstructorNode;
import org.codehaus.groovy.ast.MethodNode;
import org.codehaus.groovy.ast.expr.ArgumentListExpression;
import org.codehaus.groovy.ast.expr.BinaryExpression;
import org.codehaus.groovy.ast.expr.ClassExpression;
import org.codehaus.groovy.ast.expr.ClosureExpression;
import org.codehaus.groovy.ast.expr.Expression;
import org.codehaus.groovy.ast.expr.MethodCall;
import org.codehaus.groovy.ast.expr.MethodCallExpression;
import org.codehaus.groovy.ast.expr.MethodPointerExpression;
import org.codehaus.groovy.ast.expr.TupleExpression;
import org.codehaus.groovy.ast.expr.VariableExpression;
import org.codehaus.groovy.transform.stc.AbstractTypeCheckingExtension;
import org.codehaus.groovy.transform.stc.StaticTypeCheckingVisitor;
import org.codehaus.groovy.syntax.Types;
import org.codehaus.groovy.transform.stc.ExtensionMethodNode;
import org.codehaus.groovy.transform.stc.TypeCheckingContext;

/**
 * A type-checking extension that words the compiler's complaints about DSL keys the way a script's author thinks
 * of them: which block they are in, the key they probably meant, and what the key takes. It changes no rule: what
 * does not type-check still fails, only with a better message. Loaded by class name through
 * {@code @CompileStatic(extensions = ...)}.
 */
public final class DslTypeChecking extends AbstractTypeCheckingExtension {

    /** Names already reported as unresolved: a call taking one is not reported again as a wrong value. */
    private final Set<VariableExpression> unresolved = Collections.newSetFromMap(new IdentityHashMap<>());

    public DslTypeChecking(StaticTypeCheckingVisitor visitor) {
        super(visitor);
    }

    @Override
    public List<MethodNode> handleMissingMethod(ClassNode receiver, String name, ArgumentListExpression arguments,
                                                ClassNode[] argumentTypes, MethodCall call) {
        if (!(call instanceof MethodCallExpression mce) || !mce.isImplicitThis()) return List.of();
        for (Expression a : arguments.getExpressions()) {
            if (a instanceof VariableExpression v && unresolved.contains(v)) return List.of(makeDynamic(call));
        }
        addStaticTypeError(CompileErrors.missingKey(currentBlock(), name, argumentTypes), (ASTNode) call);
        // reported once, in our words; marking the call dynamic keeps the compiler from adding its own message
        return List.of(makeDynamic(call));
    }

    /**
     * Refuses calls that would end nlbridge ({@code System.exit}, {@code Runtime.exit}, {@code Runtime.halt}) or
     * start something that outlives the script and its time and memory budget (a thread, a process). This is fault
     * handling, not a sandbox: reflection and other indirect paths are not seen here (the script watchdog turns an
     * exit it did not see into an error at run time); who may write a script is what keeps scripts safe.
     */
    @Override
    public void onMethodSelection(Expression expression, MethodNode target) {
        String owner = target.getDeclaringClass().getName();
        if (target instanceof ExtensionMethodNode ext) owner = ext.getExtensionMethodNode().getDeclaringClass().getName();
        String refusal = Refused.call(owner, target.getName(), target instanceof ConstructorNode);
        if (refusal != null) addStaticTypeError(refusal, expression);
    }

    /**
     * A method pointer or reference ({@code System.&exit}, {@code Runtime.runtime::halt}) to a refused method is
     * refused like the call it makes. After the method is visited, when the receivers' types are known.
     */
    @Override
    public void afterVisitMethod(MethodNode node) {
        if (node.getCode() == null) return;
        node.getCode().visit(new CodeVisitorSupport() {
            @Override
            public void visitMethodPointerExpression(MethodPointerExpression e) {
                super.visitMethodPointerExpression(e);
                String name = e.getMethodName().getText();
                ClassNode receiver = e.getExpression() instanceof ClassExpression c ? c.getType() : getType(e.getExpression());
                for (ClassNode t = receiver; t != null; t = t.getSuperClass()) {
                    String refusal = Refused.call(t.getName(), name, false);
                    if (refusal != null) {
                        addStaticTypeError(refusal, e);
                        return;
                    }
                }
            }
        });
    }

    /**
     * Code a script marks to be checked its own way ({@code @CompileDynamic}, {@code @TypeChecked(SKIP)}, which
     * would skip these checks) is refused, on a class or a method.
     */
    @Override
    public boolean beforeVisitClass(ClassNode node) {
        if (!node.isScript() || node.getModule() == null) return false; // once, for every class of the script's file
        for (ClassNode c : node.getModule().getClasses()) { // a class marked so is not visited at all: look from here
            refuseCheckingAnnotations(c, c.getAnnotations());
            for (MethodNode m : c.getMethods()) refuseCheckingAnnotations(m, m.getAnnotations());
        }
        return false;
    }

    private void refuseCheckingAnnotations(ASTNode annotated, List<AnnotationNode> annotations) {
        for (AnnotationNode a : annotations) {
            if (!SKIPPING.contains(a.getClassNode().getName())) continue;
            addStaticTypeError("turning the compile-time checks off or on (@CompileDynamic, @CompileStatic, @TypeChecked)"
                    + " is not allowed in a script: a script is checked as a whole (its keys, and the calls that would"
                    + " end nlbridge or outlive its time and memory budget)", a.getLineNumber() > 0 ? a : annotated);
            return; // an expanded alias has no line of its own: the method's
        }
    }

    private static final Set<String> SKIPPING = Set.of("groovy.transform.CompileDynamic", "groovy.transform.CompileStatic",
            "groovy.transform.TypeChecked");

    @Override
    public boolean handleUnresolvedVariableExpression(VariableExpression variable) {
        BinaryExpression enclosing = getEnclosingBinaryExpression();
        boolean assigned = enclosing != null && enclosing.getLeftExpression() == variable
                && enclosing.getOperation().getType() == Types.ASSIGN;
        String message = CompileErrors.unresolvedName(currentBlock(), variable.getName(), assigned);
        addStaticTypeError(message, variable);
        unresolved.add(variable);
        makeDynamic(variable);
        return true;
    }

    /**
     * The innermost DSL block around the expression being checked: walks out through the enclosing closures
     * (skipping plain ones such as an {@code each { }} body) to the first that is the block argument of a key that
     * opens one ({@code network}, {@code container}, {@code dns}, {@code userRules}); the top level if none.
     */
    private Vocabulary.Block currentBlock() {
        TypeCheckingContext ctx = context;
        List<TypeCheckingContext.EnclosingClosure> closures = ctx.getEnclosingClosureStack();
        List<Expression> calls = ctx.getEnclosingMethodCalls();
        for (TypeCheckingContext.EnclosingClosure ec : closures) { // innermost first
            ClosureExpression closure = ec.getClosureExpression();
            for (Expression e : calls) {
                if (e instanceof MethodCallExpression m && m.isImplicitThis() && takes(m, closure)) {
                    Vocabulary.Block b = Vocabulary.opens(m.getMethodAsString());
                    if (b != null) return b;
                }
            }
        }
        return Vocabulary.TOP;
    }

    private static boolean takes(MethodCallExpression call, ClosureExpression closure) {
        if (call.getArguments() instanceof TupleExpression t) {
            for (Expression a : t.getExpressions()) if (a == closure) return true;
        }
        return false;
    }
}
