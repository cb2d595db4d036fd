package io.vecstore.http; public final class Main { public static void main(String[] a){} }
