package io.calbridge.calendly.internal;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/** Statements prepared or created and transactions committed on the connections of one data source. */
final class CountingDataSource {
    final AtomicLong statements = new AtomicLong();
    final AtomicLong commits = new AtomicLong();
    final DataSource dataSource;

    CountingDataSource(DataSource inner) {
        this.dataSource = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object result = invoke(inner, method, args);
                    return result instanceof Connection c ? connection(c) : result;
                });
    }

    private Connection connection(Connection inner) {
        InvocationHandler handler = (proxy, method, args) -> {
            switch (method.getName()) {
                case "prepareStatement", "createStatement", "prepareCall" -> statements.incrementAndGet();
                case "commit" -> commits.incrementAndGet();
                default -> { }
            }
            return invoke(inner, method, args);
        };
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class}, handler);
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
