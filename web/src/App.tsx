import { Route, Routes } from 'react-router';
import { AuthProvider, RequireAuth } from './auth';
import { AlertsPage } from './pages/Alerts';
import { ApplicationPage } from './pages/Application';
import { ApplicationsPage } from './pages/Applications';
import { ApprovalsPage } from './pages/Approvals';
import { TeamsPage } from './pages/Teams';
import { RequestsPage } from './pages/Requests';
import { AuditPage } from './pages/Audit';
import { Layout } from './components/Layout';
import { ClusterPage } from './pages/Cluster';
import { FindingsPage } from './pages/Findings';
import { FleetPage } from './pages/Fleet';
import { GroupPage } from './pages/Group';
import { GroupsPage } from './pages/Groups';
import { LoginPage } from './pages/Login';
import { NotFoundPage } from './pages/NotFound';
import { ReassignPage } from './pages/Reassign';
import { SecurityPage } from './pages/Security';
import { TopicPage } from './pages/Topic';
import { TopicsPage } from './pages/Topics';

export function App() {
  return (
    <AuthProvider>
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route
          element={
            <RequireAuth>
              <Layout />
            </RequireAuth>
          }
        >
          <Route index element={<FleetPage />} />
          <Route path="findings" element={<FindingsPage />} />
          <Route path="alerts" element={<AlertsPage />} />
          <Route path="audit" element={<AuditPage />} />
          <Route path="clusters/:cluster" element={<ClusterPage />} />
          <Route path="clusters/:cluster/topics" element={<TopicsPage />} />
          <Route path="clusters/:cluster/topics/:topic" element={<TopicPage />} />
          <Route path="clusters/:cluster/groups" element={<GroupsPage />} />
          <Route path="clusters/:cluster/groups/:group" element={<GroupPage />} />
          <Route path="clusters/:cluster/security" element={<SecurityPage />} />
          <Route path="clusters/:cluster/replicas" element={<ReassignPage />} />
          <Route path="applications" element={<ApplicationsPage />} />
          <Route path="applications/:app" element={<ApplicationPage />} />
          <Route path="requests" element={<RequestsPage />} />
          <Route path="approvals" element={<ApprovalsPage />} />
          <Route path="teams" element={<TeamsPage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </AuthProvider>
  );
}
