int main() { return 0; }  // local build stub, not committed
