/** The JVM floor of bench/run: start, print one line, exit (docs/benchmarks.md, "Floors"). */
public class Hello {
    public static void main(String[] args) {
        System.out.println("hello");
    }
}
