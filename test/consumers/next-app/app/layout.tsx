import type { ReactNode } from 'react';
import 'stompkit/styles.css';

// No favicon request (a 404 would be a console error in the test).
export const metadata = { title: 'stompkit consumer (Next.js)', icons: { icon: 'data:,' } };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
