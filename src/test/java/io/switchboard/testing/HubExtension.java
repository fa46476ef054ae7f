package io.switchboard.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ModifierSupport;
import org.junit.platform.commons.support.ReflectionSupport;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What {@link WithHub} does: one hub per test class, started before the class's tests and closed after them. */
public final class HubExtension implements BeforeAllCallback, AfterAllCallback {

  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(HubExtension.class);
  private static final String KEY = "hub";

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    Class<?> testClass = context.getRequiredTestClass();
    // a nested class shares its enclosing class's hub
    TestHub hub = context.getStore(NAMESPACE).get(KEY, TestHub.class);
    if (hub == null) {
      hub = TestHub.start(config(testClass));
      context.getStore(NAMESPACE).put(KEY, hub);
    }
    StaticFields.set(testClass, TestHub.class, hub, "@WithHub");
  }

  @Override
  public void afterAll(ExtensionContext context) {
    // only the class that started the hub finds it in its own store
    TestHub hub = context.getStore(NAMESPACE).remove(KEY, TestHub.class);
    if (hub != null) hub.close();
  }

  /** The hub started for the test class of {@code context}, for other extensions (the browser's). */
  static TestHub hub(ExtensionContext context) {
    return context.getStore(NAMESPACE).get(KEY, TestHub.class);
  }

  /** The annotation's overrides, then those of the class's {@link HubConfig} methods. */
  static Map<String, Object> config(Class<?> testClass) throws Exception {
    Map<String, Object> config = new LinkedHashMap<>();
    WithHub with = AnnotationSupport.findAnnotation(testClass, WithHub.class).orElse(null);
    if (with != null) {
      for (String entry : with.value()) {
        int eq = entry.indexOf('=');
        if (eq <= 0) throw new ExtensionConfigurationException("@WithHub on " + testClass.getName() + ": '" + entry
            + "' is not key=value");
        config.put(entry.substring(0, eq).trim(), entry.substring(eq + 1));
      }
    }
    for (Method m : AnnotationSupport.findAnnotatedMethods(testClass, HubConfig.class, HierarchyTraversalMode.TOP_DOWN)) {
      if (!ModifierSupport.isStatic(m) || m.getParameterCount() != 0 || !Map.class.isAssignableFrom(m.getReturnType())) {
        throw new ExtensionConfigurationException("@HubConfig " + m + " must be static, take nothing and return a Map");
      }
      Map<?, ?> more = (Map<?, ?>) ReflectionSupport.invokeMethod(m, null);
      more.forEach((k, v) -> config.put((String) k, v));
    }
    return config;
  }

  /** Sets a test class's one static field of a type, the fixture an extension made for it. */
  static final class StaticFields {

    private StaticFields() {
    }

    static void set(Class<?> testClass, Class<?> type, Object value, String by) throws IllegalAccessException {
      List<Field> fields = ReflectionSupport.findFields(testClass,
          f -> ModifierSupport.isStatic(f) && !ModifierSupport.isFinal(f) && f.getType() == type, HierarchyTraversalMode.TOP_DOWN);
      if (fields.size() > 1) {
        throw new ExtensionConfigurationException(by + " sets one static " + type.getSimpleName() + " field, but "
            + testClass.getName() + " has " + fields.size() + ": " + fields.stream().map(Field::getName).toList());
      }
      for (Field f : fields) {
        f.setAccessible(true);
        f.set(null, value);
      }
    }
  }
}
