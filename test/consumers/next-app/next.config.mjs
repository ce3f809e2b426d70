// Nothing special: stompkit needs no transpilePackages and no webpack tweaks.
export default {};
